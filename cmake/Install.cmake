# cmake --install build --prefix P: P/bin/rxpath (and rxpath-view, rxpath-plot when the viewer is
# built), the docs in P/share/doc/rxpath and the shipped scenarios in P/share/rxpath/scenarios.
# rxpath plot runs the rxpath-plot next to it, so both go to the same directory.
include(GNUInstallDirs)
foreach(tool rxpath rxpath-view rxpath-plot)
  if(TARGET ${tool})
    install(TARGETS ${tool} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  endif()
endforeach()
install(FILES README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY scenarios/ DESTINATION ${CMAKE_INSTALL_DATADIR}/rxpath/scenarios FILES_MATCHING PATTERN "*.json")
