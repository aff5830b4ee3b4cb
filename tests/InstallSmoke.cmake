# ctest install.smoke: `cmake --install` into a fresh prefix, then the installed rxpath runs an
# installed scenario and finds its rxpath-plot (when the viewer is built).
#   cmake -DBUILD_DIR=... -DPREFIX=... -DVERSION=... -DGUI=0|1 -P InstallSmoke.cmake
file(REMOVE_RECURSE ${PREFIX})
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${PREFIX} RESULT_VARIABLE rc
                OUTPUT_QUIET)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cmake --install failed (${rc})")
endif()

set(expected bin/rxpath share/doc/rxpath/README.md share/doc/rxpath/scenarios.md
             share/rxpath/scenarios/walkthrough.json share/rxpath/scenarios/default.json)
if(GUI)
  list(APPEND expected bin/rxpath-view bin/rxpath-plot)
endif()
foreach(f IN LISTS expected)
  if(NOT EXISTS ${PREFIX}/${f})
    message(FATAL_ERROR "not installed: ${PREFIX}/${f}")
  endif()
endforeach()

execute_process(COMMAND ${PREFIX}/bin/rxpath --version OUTPUT_VARIABLE out RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR NOT out STREQUAL "rxpath ${VERSION}\n")
  message(FATAL_ERROR "installed rxpath --version: exit ${rc}, printed '${out}' (expected 'rxpath ${VERSION}')")
endif()

execute_process(COMMAND ${PREFIX}/bin/rxpath run ${PREFIX}/share/rxpath/scenarios/walkthrough.json -o
                        ${PREFIX}/walkthrough.jsonl
                OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR NOT EXISTS ${PREFIX}/walkthrough.jsonl)
  message(FATAL_ERROR "installed rxpath run of the installed walkthrough: exit ${rc}\n${out}\n${err}")
endif()
if(NOT out MATCHES "delivered")
  message(FATAL_ERROR "installed rxpath printed no summary:\n${out}")
endif()

if(GUI)
  # The viewer reports the same version (it answers --version without a display).
  execute_process(COMMAND ${PREFIX}/bin/rxpath-view --version OUTPUT_VARIABLE out ERROR_VARIABLE err
                  RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0 OR NOT out STREQUAL "rxpath-view ${VERSION}\n")
    message(FATAL_ERROR "installed rxpath-view --version: exit ${rc}, printed '${out}${err}' (expected 'rxpath-view ${VERSION}')")
  endif()
  # rxpath plot runs the rxpath-plot installed next to it: its own error for a missing input, not
  # rxpath's "rxpath-plot not found".
  execute_process(COMMAND ${PREFIX}/bin/rxpath plot ${PREFIX}/missing.json -o ${PREFIX}/missing.png
                  OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
  if(NOT err MATCHES "rxpath-plot: error: .*missing.json")
    message(FATAL_ERROR "installed rxpath plot did not run the installed rxpath-plot: exit ${rc}\n${out}\n${err}")
  endif()
endif()
file(REMOVE_RECURSE ${PREFIX})
