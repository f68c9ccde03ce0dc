# nnviz's tests under Xvfb (included by tests/CMakeLists.txt): what the views show on screenshots
# (screenshots.py), what the app refuses, closing and reopening, partial frames, idle CPU, clipped
# text, every screen size, and real input (real/gui_real.py).
# The desktop app under Xvfb: a real window, a screenshot, and checks on what it shows.
if(NNVIZ_BUILD_GUI)
  add_executable(check_screenshot app/gui/check_screenshot.cpp)
  target_link_libraries(check_screenshot PRIVATE nnviz_core PkgConfig::STB)
endif()
find_program(XVFB_RUN xvfb-run)
if(XVFB_RUN AND NNVIZ_BUILD_GUI)
  set(GUI_OUT "${CMAKE_CURRENT_BINARY_DIR}/gui")
  file(MAKE_DIRECTORY "${GUI_OUT}")
  # What the views show, on headless screenshots. The tests and their expectations are code in
  # screenshots.py (colours by name, each check a sentence); every one is a CTest test "gui: NAME",
  # after the tests it names.
  execute_process(COMMAND "${NNVIZ_PYTHON}" "${CMAKE_CURRENT_LIST_DIR}/screenshots.py" --list
                  OUTPUT_VARIABLE shots RESULT_VARIABLE listed)
  if(NOT listed EQUAL 0)
    message(FATAL_ERROR "tests/app/gui/screenshots.py --list failed")
  endif()
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${CMAKE_CURRENT_LIST_DIR}/screenshots.py")
  string(REPLACE "\n" ";" shots "${shots}")
  foreach(line IN LISTS shots)
    if(line STREQUAL "")
      continue()
    endif()
    string(REPLACE "|" ";" after "${line}")
    list(POP_FRONT after name)
    add_test(NAME "gui: ${name}" COMMAND "${NNVIZ_PYTHON}" "${CMAKE_CURRENT_LIST_DIR}/screenshots.py"
             --app $<TARGET_FILE:nnviz> --check $<TARGET_FILE:check_screenshot> --xvfb "${XVFB_RUN}"
             --out "${GUI_OUT}" --shapes "${SHAPES}" --my-digits "${MY_DIGITS_HOME}" --folder-model "${FOLDER_MODEL}"
             "${name}")
    # One Xvfb at a time: parallel xvfb-run instances race for a display number. The image folder
    # and the personal digit set (tests/app/cli/cli_tests.cmake writes both) for the tests of your own data.
    set_tests_properties("gui: ${name}" PROPERTIES RESOURCE_LOCK xvfb TIMEOUT 300 FIXTURES_REQUIRED "shapes;mydigits;folder_model")
    if(after)
      set_tests_properties("gui: ${name}" PROPERTIES DEPENDS "${after}")
    endif()
  endforeach()

  # The app's own flags: a bad name, an unwritable output or a damaged saved comparison is a message
  # and a non-zero exit, never an uncaught exception.
  function(gui_refuses name regex)
    string(REPLACE ";" "|" args "${ARGN}")
    add_test(NAME "gui refuses: ${name}" COMMAND "${CMAKE_COMMAND}" -DCMD=env "-DARGS=${args}" "-DEXPECT=${regex}"
             -DLIMIT_KB=${REFUSAL_LIMIT_KB} -DSECONDS=120 -P "${CMAKE_CURRENT_LIST_DIR}/expect_refusal.cmake")
    set_tests_properties("gui refuses: ${name}" PROPERTIES FIXTURES_REQUIRED hostile RESOURCE_LOCK xvfb)
  endfunction()
  gui_refuses("--frames abc" "--frames: expects a whole number, got 'abc'" $<TARGET_FILE:nnviz> --screenshot x.png --frames abc)
  gui_refuses("--zoom -3" "--zoom: must be between 0.5 and 3, got -3" $<TARGET_FILE:nnviz> --zoom -3)
  gui_refuses("--open bogus" "--open: unknown view 'bogus' .curves.weights.*stats" $<TARGET_FILE:nnviz> --open bogus)
  gui_refuses("--stage 0" "--stage: must be between 1 and" $<TARGET_FILE:nnviz> --screenshot x.png --stage 0)
  gui_refuses("--size 10x10" "--size: expects WxH from 320x240" $<TARGET_FILE:nnviz> --size 10x10)
  gui_refuses("--train-steps without a screenshot" "--train-steps requires --screenshot" $<TARGET_FILE:nnviz> --train-steps 5)
  add_test(NAME "gui: --help lists every view" COMMAND $<TARGET_FILE:nnviz> --help)
  set_tests_properties("gui: --help lists every view" PROPERTIES PASS_REGULAR_EXPRESSION
                       "VIEW: curves.weights.activations.stepthrough.canvas.my-digits.compare.analysis.playground.playground2d.landscape.stats")
  gui_refuses("--compare with an unknown race" "unknown ready-made comparison 'bogus'"
              $<TARGET_FILE:nnviz> --screenshot "${GUI_OUT}/bogus.png" --compare bogus)
  gui_refuses("--layout into a missing folder" "cannot write .*/no-such-folder/l.json: the folder .* does not exist"
              $<TARGET_FILE:nnviz> --screenshot "${GUI_OUT}/nolayout.png" --layout "${GUI_OUT}/no-such-folder/l.json")
  gui_refuses("--open-comparison, a CSV of more points than a comparison records"
              "comparison.csv line 1048578: run 0 has more than 1048576 points"
              "XDG_DATA_HOME=${HOSTILE}/comparison-many" "${XVFB_RUN}" -a -s "-screen 0 1280x800x24"
              $<TARGET_FILE:nnviz> --screenshot "${GUI_OUT}/cmp-many.png" --frames 2 --open-comparison)
  # A model trained on a folder of images that is no longer there, opened on MNIST: refused with what
  # to do (such a file once sent the app loading MNIST again and again, looking for its data). The
  # model whose folder is there opens after that folder loads (screenshots.py's folder-model).
  gui_refuses("--load a model whose folder is gone" "trained on the images in .*shapes-gone, which is not there any more"
              "${XVFB_RUN}" -a -s "-screen 0 1280x800x24" $<TARGET_FILE:nnviz> --screenshot "${GUI_OUT}/folder-model.png"
              --frames 2 --load "${GONE_MODEL}")
  set_tests_properties("gui refuses: --load a model whose folder is gone" PROPERTIES FIXTURES_REQUIRED "hostile;gone_model")
  foreach(kind garbage deep missing)
    gui_refuses("--open-comparison, ${kind} comparison.json" "comparison.json"
                "XDG_DATA_HOME=${HOSTILE}/comparison-${kind}" "${XVFB_RUN}" -a -s "-screen 0 1280x800x24"
                $<TARGET_FILE:nnviz> --screenshot "${GUI_OUT}/cmp-${kind}.png" --frames 2 --open-comparison)
  endforeach()
  # Closing the window mid-epoch (the slowest preset, training) ends the process within half a
  # second: the pattern only matches 0-499.x ms. The close keeps the unsaved run with an atomic,
  # fsync'ed save; the app's part is bounded (the step in progress, one evaluation chunk), but an
  # fsync on a disk still writing back a fresh build took over a second in CI, so where a memory
  # file system exists the timed session lives there.
  set(GUI_TIMED_HOME "${GUI_OUT}/session-timed")
  if(IS_DIRECTORY /dev/shm)
    string(MD5 build_tree_id "${CMAKE_BINARY_DIR}")  # one folder per build tree
    set(GUI_TIMED_HOME "/dev/shm/nnviz-tests-${build_tree_id}")
  endif()
  # The timed close is not headless, so the app reads and writes its settings: each close test has
  # a config folder of its own (with the machine's, a preset another run left there was trained
  # instead of the default one).
  add_test(NAME "gui: close mid-epoch" COMMAND "${CMAKE_COMMAND}" -E env "XDG_CONFIG_HOME=${GUI_TIMED_HOME}/config"
           "${XVFB_RUN}" -a -s "-screen 0 1280x800x24" $<TARGET_FILE:nnviz>
           --close-after 2 --preset cnn8-16 --data-home "${GUI_TIMED_HOME}")
  set_tests_properties("gui: close mid-epoch" PROPERTIES RESOURCE_LOCK xvfb TIMEOUT 120
                       PASS_REGULAR_EXPRESSION "\"close_to_exit_ms\":[0-4]?[0-9]?[0-9]\\.")
  # The same close on the default preset, judged by the exit status alone: in the
  # AddressSanitizer build (scripts/sanitize.sh address) that status includes the leak check. The
  # unsaved training is kept in the data folder, and the next session reopens it with its curves.
  add_test(NAME "gui: session folder emptied" COMMAND "${CMAKE_COMMAND}" -E rm -rf "${GUI_OUT}/session")
  add_test(NAME "gui: close mid-epoch, clean exit" COMMAND "${CMAKE_COMMAND}" -E env
           "XDG_CONFIG_HOME=${GUI_OUT}/session/config" "${XVFB_RUN}" -a -s "-screen 0 1280x800x24"
           $<TARGET_FILE:nnviz> --close-after 2 --data-home "${GUI_OUT}/session")
  set_tests_properties("gui: close mid-epoch, clean exit" PROPERTIES RESOURCE_LOCK xvfb TIMEOUT 120
                       DEPENDS "gui: session folder emptied")
  # Partial frames (app/gui/render/redraw.h): while a run trains, every frame drawn only where it changed
  # must equal the same frame drawn whole, pixel for pixel; with the curves alone, and with the
  # weights, activations and layer statistics views (textures that change under unchanged
  # vertices). The pattern demands partial frames and no difference.
  foreach(views "curves" "weights|--open|activations|--open|stats")
    string(REPLACE "|" ";" view_args "--open;${views}")
    string(REGEX REPLACE "\\|.*" "" first "${views}")
    add_test(NAME "gui: partial frames equal whole ones (${first})" COMMAND "${XVFB_RUN}" -a -s "-screen 0 1280x800x24"
             $<TARGET_FILE:nnviz> --screenshot "${GUI_OUT}/redraw-${first}.png" --frames 30 --train-steps 3000
             ${view_args} --redraw-check)
    set_tests_properties("gui: partial frames equal whole ones (${first})" PROPERTIES RESOURCE_LOCK xvfb TIMEOUT 300
                         PASS_REGULAR_EXPRESSION "\"partial\":[1-9][0-9]*,\"differed\":0,")
  endforeach()
  # Idle means idle: paused, no input, the app uses under 2% of a core. (CTest ignores the exit
  # status when it matches output, so the pattern itself demands a share of 0.00xx or 0.01xx.)
  add_test(NAME "gui: idle means idle" COMMAND "${XVFB_RUN}" -a -s "-screen 0 1280x800x24" $<TARGET_FILE:nnviz>
           --idle-check 3)
  set_tests_properties("gui: idle means idle" PROPERTIES RESOURCE_LOCK xvfb TIMEOUT 120 PASS_REGULAR_EXPRESSION "\"cpu_share\":0\\.0[01][0-9]*}")
  # Classroom mode: the sidebar keeps the controls and the views; data, network and training go.
  add_test(NAME "gui: --classroom keeps the teacher's choices" COMMAND "${CMAKE_COMMAND}" -DAPP=$<TARGET_FILE:nnviz>
           -DXVFB_RUN=${XVFB_RUN} -DOUT=${GUI_OUT} -P "${CMAKE_CURRENT_LIST_DIR}/classroom_kept.cmake")
  set_tests_properties("gui: --classroom keeps the teacher's choices" PROPERTIES RESOURCE_LOCK xvfb TIMEOUT 150)
  # No text clipped in any view (every view --help lists, and a long status message) at 1280x800
  # at zoom 1.0 and 1.5: the app's clipped-text check (app/gui/harness/clip_check.h) names each cut.
  foreach(zoom 1.0 1.5)
    add_test(NAME "gui: no clipped text, zoom ${zoom}" COMMAND "${CMAKE_COMMAND}" -DAPP=$<TARGET_FILE:nnviz>
             -DXVFB_RUN=${XVFB_RUN} -DOUT=${GUI_OUT}/clip -DZOOM=${zoom} -DMY_DIGITS=${MY_DIGITS_HOME}
             -P "${CMAKE_CURRENT_LIST_DIR}/clip_test.cmake")
    set_tests_properties("gui: no clipped text, zoom ${zoom}" PROPERTIES RESOURCE_LOCK xvfb TIMEOUT 900 FIXTURES_REQUIRED mydigits)
  endforeach()
  # The views on every screen (tests/screen_matrix.py): weights, activations, layer statistics,
  # curves and the confusion matrix for dense 2000, six convolutions with batch norm and cnn8, at
  # 800x500, 1280x800, 2560x1440 and zoom 2, and six views at 1600x1000: no text cut or drawn over
  # other text, heatmaps that fill their room, no count dropped. About two minutes.
  if(DEBIAN_PYTHON)
    add_test(NAME "gui: screens, every view at every size" COMMAND "${DEBIAN_PYTHON}"
             "${CMAKE_CURRENT_LIST_DIR}/screen_matrix.py" --app $<TARGET_FILE:nnviz>
             --make-models $<TARGET_FILE:make_models> --out "${GUI_OUT}/screens")
    set_tests_properties("gui: screens, every view at every size" PROPERTIES RESOURCE_LOCK xvfb TIMEOUT 900)
  endif()
  # Real input (tests/app/gui/real/gui_real.py): the app started as a user starts it, on its own Xvfb
  # display with a fresh HOME, driven by X events (xdotool) and left alone: what must keep moving
  # without input does, and what a key asks for shows without a mouse move. Skipped (77) only when
  # xdotool, xwd or Xvfb are missing.
  if(DEBIAN_PYTHON)
    foreach(scenario compare playground landscape reset-dialog epoch-key slowed save-twice open-error open-other open-fashion browse choose
                     first-click playground-csv zoom-back close-keeps close-unkept help probe-while-training probe-drawing edit-layers
                     confusion compare-race classroom-locked escape-menu sidebar-fold weights-zoom keyboard-nav
                     classroom-keeps cosine-continues lesson lesson-file lesson-drop lesson-editor train-size export-svg export-onnx record playground-draw conv-click
                     representation loss-landscape graph-edit step-conv-click folder my-digits)
      add_test(NAME "gui real: ${scenario}" COMMAND "${DEBIAN_PYTHON}" "${CMAKE_CURRENT_LIST_DIR}/real/gui_real.py"
               --app $<TARGET_FILE:nnviz> --out "${CMAKE_CURRENT_BINARY_DIR}/gui_real" ${scenario})
      set_tests_properties("gui real: ${scenario}" PROPERTIES RESOURCE_LOCK xvfb TIMEOUT 120 SKIP_RETURN_CODE 77)
    endforeach()
  endif()
endif()
