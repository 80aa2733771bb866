#!/bin/sh
# No-op coverage tool for the offline @remote_coverage_tools stand-in.
exit 0
