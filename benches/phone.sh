#!/usr/bin/env bash
# Page outlines in phone photos (issue 25, point 1): the share of
# generated photos whose found outline has IoU >= 0.98 with the true page
# (both clipped to the frame; target >= 95% of at least 100 photos), mean
# IoU, aspect ratio error of the flat page, and seconds per photo of
# finding and flattening (one thread), per desk and overall.
#
#     benches/phone.sh              # 120 photos
#     COUNT=300 benches/phone.sh
#     OUT=/tmp/phone benches/phone.sh   # also write the named kinds'
#                                       # photos and flat pages as PNG
#
# The photos: a rendered A4 or Letter page, tilted 5-35 degrees in a
# random direction, turned up to 15 degrees, 40-90% of a 1500 x 2000
# frame (one in seven larger and off-centre, a corner out of the frame),
# on wood, a white table, dark cloth or a second sheet, with light
# falloff, a shadow on one in five, sensor noise and JPEG
# (tests/common/phone.rs; examples/outline_bench.rs measures).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cargo run --release --quiet --example outline_bench -- "${COUNT:-120}" ${OUT:+"$OUT"}
