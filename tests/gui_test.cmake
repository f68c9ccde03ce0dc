# Runs nnviz headless under xvfb-run at 1280x800, then checks the screenshot it saved.
string(REPLACE "|" ";" ARGS "${ARGS}")
file(REMOVE "${SHOT}" "${LAYOUT}")
execute_process(COMMAND "${XVFB_RUN}" -a -s "-screen 0 1280x800x24" "${APP}" --screenshot "${SHOT}" --layout "${LAYOUT}"
                        --size 1280x800 ${ARGS}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 280)
message("nnviz exit: ${rc}\n${out}${err}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "nnviz failed")
endif()
string(REPLACE "|" ";" EXPECT "${EXPECT}")
execute_process(COMMAND "${CHECK}" "${SHOT}" "${LAYOUT}" ${EXPECT} RESULT_VARIABLE rc OUTPUT_VARIABLE out)
message("${out}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the screenshot check failed")
endif()
