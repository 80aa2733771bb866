#!/bin/sh
# Runs demo.py with the interpreter the extension was built for, with the
# extension's directory on PYTHONPATH. Arguments: python3 demo.py hello.so
python=$1 demo=$2 module=$3
PYTHONPATH="$(dirname "$module")${PYTHONPATH:+:$PYTHONPATH}" exec "$python" "$demo"
