#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image; the bundle is unpacked
# in /autograder/source. Choose an Ubuntu base image whose Python is 3.11 to 3.13 (22.04 has 3.10).
# bubblewrap is the grading sandbox (autograder/sandbox.py); if the image's kernel refuses user
# namespaces, run_autograder grades without it and says so in the output only the instructor sees.
set -euo pipefail
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv bubblewrap
python3 -m venv /autograder/venv
/autograder/venv/bin/python -m pip install --quiet --upgrade pip
/autograder/venv/bin/python -m pip install --quiet "/autograder/source[grading]"
