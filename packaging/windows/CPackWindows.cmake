# The Windows zip (issue 8): `cpack --config build-windows/CPackConfig.cmake` (or
# `cmake --build build-windows --target package`) makes
# veeam-port-monitor-<version>-windows-x86_64.zip with
#   bin/check_veeam_ports.exe   the check, self-contained (static; only Windows' own DLLs)
#   bin/veeam_port_exporter.exe the Prometheus exporter, which also runs as a Windows service
#   config/targets.yaml         the flow catalogue
#   integrations/               NSClient++ fragment, Icinga 2 agent CheckCommand (docs/windows.md)
#   README.md                   installing, the service, the firewall rules, the limits on
#                               Windows
# Included from the top-level CMakeLists.txt for WIN32 builds only.
install(FILES ${PROJECT_SOURCE_DIR}/config/targets.yaml DESTINATION config)
install(FILES ${CMAKE_CURRENT_LIST_DIR}/README.md DESTINATION .)
# The monitoring agents' side: NSClient++ and the Icinga 2 agent (docs/windows.md).
install(FILES ${CMAKE_CURRENT_LIST_DIR}/../nsclient/veeam-port-monitor.ini DESTINATION integrations)
install(FILES ${CMAKE_CURRENT_LIST_DIR}/../icinga2/veeam-port-monitor-command.conf
              ${CMAKE_CURRENT_LIST_DIR}/../icinga2/veeam-port-monitor-windows.conf
        DESTINATION integrations)

set(CPACK_GENERATOR ZIP)
set(CPACK_PACKAGE_NAME veeam-port-monitor)
set(CPACK_PACKAGE_VENDOR "veeam-port-monitor")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_SYSTEM_NAME windows-x86_64)
set(CPACK_PACKAGE_FILE_NAME "veeam-port-monitor-${PROJECT_VERSION}-windows-x86_64")
set(CPACK_INCLUDE_TOPLEVEL_DIRECTORY ON)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_DIRECTORY ${CMAKE_BINARY_DIR})
include(CPack)
