# nnviz-cli's tests (included by tests/CMakeLists.txt, whose folder the paths below are from).
# nnviz-cli: bad arguments and bad files exit non-zero with a message, never crash.
set(CLI $<TARGET_FILE:nnviz-cli>)
function(cli_test name regex)
  add_test(NAME "cli: ${name}" COMMAND ${ARGN})
  set_tests_properties("cli: ${name}" PROPERTIES PASS_REGULAR_EXPRESSION "${regex}")
endfunction()
function(cli_fails name regex)
  # Passes only if the command exits non-zero AND prints the expected message.
  string(REPLACE ";" "|" args "${ARGN}")  # a ;-list would be split by add_test
  add_test(NAME "cli: ${name}" COMMAND "${CMAKE_COMMAND}" -DCMD=$<TARGET_FILE:nnviz-cli> "-DARGS=${args}"
           "-DEXPECT=${regex}" -P "${CMAKE_CURRENT_LIST_DIR}/expect_failure.cmake")
endfunction()
cli_test(help "usage: nnviz-cli" ${CLI} --help)
cli_test("train --help" "--weight-decay" ${CLI} train --help)
cli_test(presets "mlp100.*\n.*784" ${CLI} presets)
cli_test(show "label 7" ${CLI} show --index 0 --set test)
cli_test("train --target-accuracy" "epoch  1/1 [^\n]*\nreached: test accuracy [0-9.]+% >= 80% after epoch 1, [0-9.]+s wall"
         ${CLI} train --preset mlp30 --epochs 1 --target-accuracy 80)
cli_test("train --train-size" "train 1000, val 10000, test 10000.*epoch  1/1"
         ${CLI} train --preset mlp30 --epochs 1 --train-size 1000)
cli_fails("train-size under a batch" "--train-size 5 is less than one mini-batch of 10"
          train --preset mlp30 --epochs 1 --train-size 5)
cli_fails("train-size zero" "--train-size" train --train-size 0)
cli_fails("no command" "usage: nnviz-cli")
cli_fails("unknown command" "unknown command 'fly'" fly)
cli_fails("unknown option" "not expected: .*--bogus" train --bogus 1)
cli_fails("bad number" "--lr: expects a number, got 'fast'" train --lr fast)
cli_fails("out of range" "--batch: must be between 1 and 60000, got 0" train --batch 0)
cli_fails("unknown preset" "unknown preset 'nope'" train --preset nope)
cli_fails("unknown optimizer" "unknown optimizer 'sgdd'" train --optimizer sgdd)
cli_fails("missing value" "--epochs needs a value" train --epochs)
cli_fails("missing data" "not found.*scripts/setup.sh" train --data /nonexistent-folder --epochs 1)
cli_fails("missing model" "No such file" eval --model /nonexistent.safetensors)
cli_fails("not a model" "not a safetensors file|too short|header length" eval --model "${CMAKE_CURRENT_SOURCE_DIR}/CMakeLists.txt")
cli_fails("diverging lr" "learning rate is probably too high" train --preset mlp256 --lr 1000 --epochs 1)

# An image folder of rendered shapes (make_shapes: three classes, 60 images each, PNG, BMP and PPM
# of mixed sizes and modes), learnt by cnn8 in colour at 16x16; and the folder's own refusals.
set(SHAPES "${CMAKE_CURRENT_BINARY_DIR}/shapes")
add_test(NAME "cli: write an image folder" COMMAND make_shapes "${SHAPES}" 60)
set_tests_properties("cli: write an image folder" PROPERTIES FIXTURES_SETUP shapes)
# A personal digit set (make_my_digits: three drawings of every digit in one hand) in a data
# folder of its own, for the GUI's screenshot of fine-tuning on your handwriting.
set(MY_DIGITS_HOME "${CMAKE_CURRENT_BINARY_DIR}/my-digits-home")
add_test(NAME "cli: write a personal digit set" COMMAND make_my_digits "${MY_DIGITS_HOME}/nnviz/my-digits" 3)
set_tests_properties("cli: write a personal digit set" PROPERTIES FIXTURES_SETUP mydigits)
cli_test("train --folder" "data: folder from [^\n]*shapes  \\(3x16x16, 3 classes; train 144, val 18, test 18.*final: test accuracy"
         ${CLI} train --preset cnn8 --folder "${SHAPES}" --colour --image-size 16 --epochs 3 --batch 16)
set_tests_properties("cli: train --folder" PROPERTIES FIXTURES_REQUIRED shapes)
cli_fails("train --folder, one class" "shapes/disc: holds no class folders"
          train --folder "${SHAPES}/disc" --epochs 1)
set_tests_properties("cli: train --folder, one class" PROPERTIES FIXTURES_REQUIRED shapes)
cli_fails("--colour without --folder" "--image-size and --colour go with --folder" train --colour --epochs 1)
# A model trained on the shapes: it names its folder and classes, so eval reads that folder again
# (the same split) and predict names the classes; the app opens it on MNIST by loading the folder.
set(FOLDER_MODEL "${CMAKE_CURRENT_BINARY_DIR}/shapes-mlp30.safetensors")
add_test(NAME "cli: train --folder --save" COMMAND ${CLI} train --preset mlp30 --folder "${SHAPES}" --epochs 1
         --save "${FOLDER_MODEL}")
set_tests_properties("cli: train --folder --save" PROPERTIES FIXTURES_REQUIRED shapes FIXTURES_SETUP folder_model)
cli_test("eval, a model trained on a folder" "test accuracy [0-9.]+%  \\(18 images.*\n  disc .*\n  square .*\n  triangle "
         ${CLI} eval --model "${FOLDER_MODEL}")
cli_test("predict, a model trained on a folder" "triangle/0.png: (disc|square|triangle) \\([0-9.]+%\\)   disc:[0-9.]+% square:[0-9.]+% triangle:"
         ${CLI} predict --model "${FOLDER_MODEL}" "${SHAPES}/triangle/0.png")
set_tests_properties("cli: eval, a model trained on a folder" "cli: predict, a model trained on a folder" PROPERTIES
                     FIXTURES_REQUIRED "shapes;folder_model")
# The same model, its folder gone (trained on a copy that is then deleted): refused, naming it.
set(GONE_MODEL "${CMAKE_CURRENT_BINARY_DIR}/shapes-gone-mlp30.safetensors")
add_test(NAME "cli: train on a folder that then goes" COMMAND sh -c
         "rm -rf \"$1\" && cp -r \"$2\" \"$1\" && \"$3\" train --preset mlp30 --folder \"$1\" --epochs 1 --save \"$4\" && rm -rf \"$1\""
         sh "${CMAKE_CURRENT_BINARY_DIR}/shapes-gone" "${SHAPES}" ${CLI} "${GONE_MODEL}")
set_tests_properties("cli: train on a folder that then goes" PROPERTIES FIXTURES_REQUIRED shapes FIXTURES_SETUP gone_model)
cli_fails("eval, a model whose folder is gone" "shapes-gone: no such folder" eval --model "${GONE_MODEL}")
set_tests_properties("cli: eval, a model whose folder is gone" PROPERTIES FIXTURES_REQUIRED gone_model)

# Hostile and unlucky files (tests/make_hostile.cpp writes them): each is refused with a message
# naming the file and the problem, within 20 s and 1.5 GB of address space (no limit under the
# sanitizers, which reserve terabytes of shadow memory).
set(HOSTILE "${CMAKE_CURRENT_BINARY_DIR}/hostile")
add_test(NAME "cli refuses: write the hostile files" COMMAND make_hostile "${HOSTILE}")
set_tests_properties("cli refuses: write the hostile files" PROPERTIES FIXTURES_SETUP hostile)
if(NNVIZ_SANITIZE)
  set(REFUSAL_LIMIT_KB 0)
else()
  set(REFUSAL_LIMIT_KB 1572864)
endif()
function(cli_refuses name regex)
  string(REPLACE ";" "|" args "${ARGN}")
  add_test(NAME "cli refuses: ${name}" COMMAND "${CMAKE_COMMAND}" -DCMD=$<TARGET_FILE:nnviz-cli> "-DARGS=${args}"
           "-DEXPECT=${regex}" -DLIMIT_KB=${REFUSAL_LIMIT_KB} -DSECONDS=20
           -P "${PROJECT_SOURCE_DIR}/tests/app/gui/expect_refusal.cmake")
  set_tests_properties("cli refuses: ${name}" PROPERTIES FIXTURES_REQUIRED hostile)
endfunction()
set(FITS "the model takes .* but the data has 1x28x28 images")
cli_refuses("eval, one output and mse" "one-output-mse.safetensors: ${FITS}.*one output per class"
            eval --model "${HOSTILE}/one-output-mse.safetensors")
cli_refuses("eval, five outputs" "five-outputs.safetensors: ${FITS}.*one output per class"
            eval --model "${HOSTILE}/five-outputs.safetensors")
cli_refuses("eval, colour dense input" "colour-dense.safetensors: the model takes 3x28x28 inputs.*input shapes differ"
            eval --model "${HOSTILE}/colour-dense.safetensors")
cli_refuses("eval, colour conv input" "colour-conv.safetensors: the model takes 3x28x28 inputs.*input shapes differ"
            eval --model "${HOSTILE}/colour-conv.safetensors")
cli_refuses("eval, 10x10 input" "small-input.safetensors: the model takes 1x10x10 inputs"
            eval --model "${HOSTILE}/small-input.safetensors")
cli_refuses("predict, five outputs" "five-outputs.safetensors: ${FITS}"
            predict --model "${HOSTILE}/five-outputs.safetensors" "${HOSTILE}/top-down.bmp")
cli_refuses("predict, colour input" "colour-conv.safetensors: the model takes 3x28x28"
            predict --model "${HOSTILE}/colour-conv.safetensors" "${HOSTILE}/top-down.bmp")
cli_refuses("eval, a conv padded by 2034" "padded-conv.safetensors.*activation values per sample"
            eval --model "${HOSTILE}/padded-conv.safetensors")
cli_refuses("predict, twenty padded convs" "twenty-padded.safetensors.*activation values per sample"
            predict --model "${HOSTILE}/twenty-padded.safetensors" "${HOSTILE}/top-down.bmp")
cli_refuses("eval, 997 wide layers" "deep-wide.safetensors.*activation values per sample"
            eval --model "${HOSTILE}/deep-wide.safetensors")
cli_refuses("train, gzip declaring 7.8 GB" "train-images-idx3-ubyte.gz: the compressed file declares 7 GB"
            train --data "${HOSTILE}/bomb" --epochs 1)
cli_refuses("train, gzip holding more than declared" "train-images-idx3-ubyte.gz: the compressed stream holds more than its header declares"
            train --data "${HOSTILE}/overfull" --epochs 1)
cli_refuses("predict, truncated PGM" "truncated.pgm: cannot read the image .truncated: its header declares 28x28 pixels"
            predict --model "${HOSTILE}/fits.safetensors" "${HOSTILE}/truncated.pgm")
cli_refuses("predict, empty file" "empty.png: cannot read the image .the file is empty"
            predict --model "${HOSTILE}/fits.safetensors" "${HOSTILE}/empty.png")
cli_refuses("predict, a folder" "hostile: cannot read the image .is a folder, not a file"
            predict --model "${HOSTILE}/fits.safetensors" "${HOSTILE}")
cli_refuses("predict, not an image" "not-an-image.png: cannot read the image .not an image nnviz reads"
            predict --model "${HOSTILE}/fits.safetensors" "${HOSTILE}/not-an-image.png")
cli_refuses("predict, missing image" "nope.png: cannot read the image .No such file"
            predict --model "${HOSTILE}/fits.safetensors" "${HOSTILE}/nope.png")
add_test(NAME "cli: predict reads a FIFO and /dev/stdin" COMMAND sh -c
         "d=$(mktemp -d) && mkfifo \"$d/in\" && (cat \"$1\" > \"$d/in\" &) && \"$0\" predict --model \"$2\" \"$d/in\" && cat \"$1\" | \"$0\" predict --model \"$2\" /dev/stdin; r=$?; rm -rf \"$d\"; exit $r"
         $<TARGET_FILE:nnviz-cli> "${HOSTILE}/top-down.bmp" "${HOSTILE}/fits.safetensors")
set_tests_properties("cli: predict reads a FIFO and /dev/stdin" PROPERTIES FIXTURES_REQUIRED hostile
                     PASS_REGULAR_EXPRESSION "/in: [0-9] .*\n/dev/stdin: [0-9] " TIMEOUT 30)
cli_test("predict reads a top-down BMP" "top-down.bmp: [0-9]" ${CLI} predict --model "${HOSTILE}/fits.safetensors" "${HOSTILE}/top-down.bmp")
set_tests_properties("cli: predict reads a top-down BMP" PROPERTIES FIXTURES_REQUIRED hostile)
cli_refuses("train --save into a missing folder" "cannot save to .*/no-such-folder/m.safetensors: the folder .* does not exist .checked before training"
            train --preset mlp30 --epochs 1 --save "${HOSTILE}/no-such-folder/m.safetensors")
cli_refuses("train --save onto a FIFO" "hostile/fifo: is not a regular file"
            train --preset mlp30 --epochs 1 --save "${HOSTILE}/fifo")
cli_refuses("compare --save into a missing folder" "no-such-folder/c.json: the folder .* does not exist"
            compare --ready optimizers --epochs 1 --save "${HOSTILE}/no-such-folder/c")

# A model saved by nnviz-cli is read back by eval, and by the numpy reader shown in the README.
add_test(NAME "cli: train, save, eval" COMMAND "${CMAKE_COMMAND}" -DCLI=$<TARGET_FILE:nnviz-cli>
         -DOUT=${CMAKE_CURRENT_BINARY_DIR}/saved-mlp.safetensors -P "${CMAKE_CURRENT_LIST_DIR}/train_save_eval.cmake")
find_program(DEBIAN_PYTHON NAMES python3 PATHS /usr/bin NO_DEFAULT_PATH)
if(DEBIAN_PYTHON)
  add_test(NAME "model file: read with numpy" COMMAND "${DEBIAN_PYTHON}" "${CMAKE_CURRENT_LIST_DIR}/read_model_numpy.py"
           "${CMAKE_CURRENT_BINARY_DIR}/saved-mlp.safetensors" "${PROJECT_SOURCE_DIR}/data/mnist")
  set_tests_properties("model file: read with numpy" PROPERTIES DEPENDS "cli: train, save, eval"
                       PASS_REGULAR_EXPRESSION "numpy agrees")
endif()

# nnviz-cli predict: images written from the test set and read back get eval's classes; an
# unreadable file is an error for that file while the others still run.
add_executable(predict_roundtrip app/cli/predict_roundtrip.cpp)
target_link_libraries(predict_roundtrip PRIVATE nnviz_core PkgConfig::STB)
add_test(NAME "cli: predict agrees with eval" COMMAND "${CMAKE_COMMAND}" -DTOOL=$<TARGET_FILE:predict_roundtrip>
         -DCLI=$<TARGET_FILE:nnviz-cli> -DMODEL=${CMAKE_CURRENT_BINARY_DIR}/saved-mlp.safetensors
         -DDATA=${PROJECT_SOURCE_DIR}/data/mnist -DOUT=${CMAKE_CURRENT_BINARY_DIR}/predict-images
         -P "${CMAKE_CURRENT_LIST_DIR}/predict_roundtrip.cmake")
set_tests_properties("cli: predict agrees with eval" PROPERTIES DEPENDS "cli: train, save, eval")
cli_fails("predict, unreadable file" "missing.png: cannot read the image"
          predict --model ${CMAKE_CURRENT_BINARY_DIR}/saved-mlp.safetensors missing.png)
# A few bytes that declare a 16384x16384 image are refused before anything is decoded.
cli_fails("predict, huge image" "16384x16384 pixels, more than the 64 megapixels"
          predict --model ${CMAKE_CURRENT_BINARY_DIR}/saved-mlp.safetensors
          ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/regressions/image/declares-16384x16384.pgm)
set_tests_properties("cli: predict, unreadable file" "cli: predict, huge image" PROPERTIES DEPENDS "cli: train, save, eval")

# A convolutional net with batch norm (running statistics in the file), saved and read back by eval
# and by the numpy reader; about 5 s. (Not named "cli: ...": under the sanitizers it takes a minute,
# and the unit tests there already run every layer it uses.)
set(CONV_SAVED "model file: a conv net saved by nnviz-cli, read by eval")
add_test(NAME "${CONV_SAVED}" COMMAND "${CMAKE_COMMAND}" -DCLI=$<TARGET_FILE:nnviz-cli> -DPRESET=cnn-simple
         -DOUT=${CMAKE_CURRENT_BINARY_DIR}/saved-cnn.safetensors -P "${CMAKE_CURRENT_LIST_DIR}/train_save_eval.cmake")
if(DEBIAN_PYTHON)
  add_test(NAME "model file: read a conv net with numpy" COMMAND "${DEBIAN_PYTHON}"
           "${CMAKE_CURRENT_LIST_DIR}/read_model_numpy.py" "${CMAKE_CURRENT_BINARY_DIR}/saved-cnn.safetensors"
           "${PROJECT_SOURCE_DIR}/data/mnist")
  set_tests_properties("model file: read a conv net with numpy" PROPERTIES DEPENDS "${CONV_SAVED}"
                       PASS_REGULAR_EXPRESSION "numpy agrees")
endif()

# ONNX export (nnviz-cli export): networks with every layer type and setting, trained a little on
# MNIST by make_onnx_cases (one on colour pictures: its digits painted in colours), exported; each
# passes onnx.checker and its outputs on 1,000 test images,
# computed by a numpy evaluator of the ONNX graph, match nnviz's to 1e-4 (check_onnx.py); about 5 s.
set(ONNX_CASES "${CMAKE_CURRENT_BINARY_DIR}/onnx-cases")
add_test(NAME "onnx export: write the cases" COMMAND make_onnx_cases "${ONNX_CASES}" "${PROJECT_SOURCE_DIR}/data/mnist")
set_tests_properties("onnx export: write the cases" PROPERTIES FIXTURES_SETUP onnx_cases)
add_test(NAME "onnx export: checker and outputs match nnviz" COMMAND "${DEBIAN_PYTHON}"
         "${CMAKE_CURRENT_LIST_DIR}/check_onnx.py" $<TARGET_FILE:nnviz-cli> "${ONNX_CASES}" "${PROJECT_SOURCE_DIR}/data/mnist")
set_tests_properties("onnx export: checker and outputs match nnviz" PROPERTIES FIXTURES_REQUIRED onnx_cases
                     PASS_REGULAR_EXPRESSION "onnx agrees: 4 models, 1000 images each")
cli_test("train --onnx" "saved: [^\n]*trained-mlp30[.]onnx" ${CLI} train --preset mlp30 --epochs 1 --train-size 1000
         --onnx "${CMAKE_CURRENT_BINARY_DIR}/trained-mlp30.onnx")
cli_test("export --help" "\"pixels\", float \\[batch" ${CLI} export --help)
cli_fails("export, missing model" "No such file" export --model /nonexistent.safetensors --onnx x.onnx)
cli_fails("export, no destination" "--onnx is required" export --model /nonexistent.safetensors)
cli_refuses("export onto a FIFO" "cannot write .*hostile/fifo: is not a regular file"
            export --model "${HOSTILE}/fits.safetensors" --onnx "${HOSTILE}/fifo")
cli_refuses("export into a missing folder" "no-such-folder/m.onnx: the folder .* does not exist"
            export --model "${HOSTILE}/fits.safetensors" --onnx "${HOSTILE}/no-such-folder/m.onnx")
