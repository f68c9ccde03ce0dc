# `nnviz --classroom` hides everything for one session; the teacher's own classroom choices in
# settings.json must be the same after it. Runs the app under Xvfb with its own config folder,
# closes it as the window's close button does (--close-after), then reads the settings back.
set(cfg "${OUT}/classroom-config")
file(REMOVE_RECURSE "${cfg}")
file(MAKE_DIRECTORY "${cfg}/nnviz")
file(WRITE "${cfg}/nnviz/settings.json"
     "{\"classroom\": false, \"hide_setup\": false, \"hide_optimizer\": true, \"hide_data\": false, \"hide_reset\": true, \"hide_files\": false}")
execute_process(COMMAND env "XDG_CONFIG_HOME=${cfg}" "XDG_DATA_HOME=${OUT}/classroom-data" "${XVFB_RUN}" -a
                        -s "-screen 0 1280x800x24" "${APP}" --classroom --close-after 1
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 120)
message("nnviz exit: ${rc}\n${out}${err}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "nnviz failed")
endif()
file(READ "${cfg}/nnviz/settings.json" s)
message("settings after the session:\n${s}")
if(NOT s MATCHES "ui_zoom")
  message(FATAL_ERROR "the app did not write its settings at exit")
endif()
foreach(pair "classroom\": false" "hide_setup\": false" "hide_optimizer\": true" "hide_data\": false"
             "hide_reset\": true" "hide_files\": false")
  if(NOT s MATCHES "${pair}")
    message(FATAL_ERROR "the teacher's choice '${pair}' was not kept")
  endif()
endforeach()
