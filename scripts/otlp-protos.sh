#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The OTLP .proto files (from the npm tarball of
# @opentelemetry/otlp-grpc-exporter-base 0.34.0, which ships them) compiled
# to Python modules in DIR/py, for the test receiver. Idempotent.
#   scripts/otlp-protos.sh [DIR]   (default build/otlp-protos)
set -eu
DIR=${1:-build/otlp-protos}
PKG=@opentelemetry/otlp-grpc-exporter-base@0.34.0
[ -f "$DIR/py/opentelemetry/proto/collector/trace/v1/trace_service_pb2.py" ] && exit 0
command -v protoc >/dev/null || { echo "otlp-protos.sh: protoc missing (Debian protobuf-compiler; make deps)" >&2; exit 1; }
command -v npm >/dev/null || { echo "otlp-protos.sh: npm missing (Debian npm; make deps)" >&2; exit 1; }
mkdir -p "$DIR/cache" "$DIR/py"
DIR=$(cd "$DIR" && pwd)
if ! ls "$DIR"/cache/opentelemetry-otlp-grpc-exporter-base-0.34.0.tgz >/dev/null 2>&1; then
	(cd "$DIR/cache" && npm pack --silent "$PKG" >/dev/null)
fi
rm -rf "$DIR/src"
mkdir -p "$DIR/src"
tar xzf "$DIR/cache/opentelemetry-otlp-grpc-exporter-base-0.34.0.tgz" -C "$DIR/src"
P=$DIR/src/package/build/protos
(cd "$P" && protoc --python_out="$DIR/py" $(find opentelemetry -name '*.proto' | sort))
test -f "$DIR/py/opentelemetry/proto/collector/trace/v1/trace_service_pb2.py"
