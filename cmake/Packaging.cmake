# The Debian package (CPack DEB): `cpack -G DEB` in the build directory, or the target `deb`.
#
#   /usr/bin/check_veeam_ports, /usr/bin/veeam_port_exporter (install rules of nagios/ and
#   exporter/), /usr/lib/veeam-port-monitor/ (the exporter's OpenSSL 3 shims, loaded to serve
#   TLS and found through its RUNPATH $ORIGIN/../lib/veeam-port-monitor),
#   /usr/lib/nagios/plugins/check_veeam_ports (a symlink), /etc/veeam-port-monitor/targets.yaml
#   and /etc/default/veeam-port-exporter (conffiles), the systemd unit
#   veeam-port-exporter.service, veeam-port-monitor-textfile.service and .timer (disabled), and
#   the dashboard, alert rules, Nagios and Icinga 2 definitions
#   under /usr/share/veeam-port-monitor/.
#
# /etc and /lib/systemd are absolute destinations: `cmake --install` with another prefix writes
# them there too, so install by hand only through the package.
set(VPM_PACKAGING_DIR ${PROJECT_SOURCE_DIR}/packaging)
set(VPM_SHARE_DIR share/veeam-port-monitor)
# cpack (and `make install`) must not build the whole tree first (tests, fuzzers): the deb
# target depends on the two binaries, and the packaged files need nothing else built.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY TRUE)

install(FILES ${PROJECT_SOURCE_DIR}/config/targets.yaml DESTINATION /etc/veeam-port-monitor)
install(FILES ${VPM_PACKAGING_DIR}/debian/veeam-port-exporter.default
        DESTINATION /etc/default RENAME veeam-port-exporter)
# The textfile service and timer are shipped disabled (the postinst enables the exporter only).
install(FILES ${VPM_PACKAGING_DIR}/systemd/veeam-port-exporter.service
              ${VPM_PACKAGING_DIR}/systemd/veeam-port-monitor-textfile.service
              ${VPM_PACKAGING_DIR}/systemd/veeam-port-monitor-textfile.timer
        DESTINATION /lib/systemd/system)

# The Nagios plugin directory holds a relative symlink to the binary in bin/.
set(vpm_plugin_link ${CMAKE_CURRENT_BINARY_DIR}/packaging/check_veeam_ports)
file(MAKE_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/packaging)
file(CREATE_LINK ../../../bin/check_veeam_ports ${vpm_plugin_link} SYMBOLIC)
install(FILES ${vpm_plugin_link} DESTINATION lib/nagios/plugins)

install(FILES ${PROJECT_SOURCE_DIR}/dashboards/grafana/veeam-ports.json
        DESTINATION ${VPM_SHARE_DIR}/grafana)
install(FILES ${VPM_PACKAGING_DIR}/prometheus/veeam-port-monitor.rules.yml
              ${VPM_PACKAGING_DIR}/prometheus/veeam-port-monitor.rules.test.yml
              ${VPM_PACKAGING_DIR}/prometheus/prometheus.yml
        DESTINATION ${VPM_SHARE_DIR}/prometheus)
install(FILES ${VPM_PACKAGING_DIR}/nagios/veeam-port-monitor-commands.cfg
              ${VPM_PACKAGING_DIR}/nagios/veeam-port-monitor-services.cfg
        DESTINATION ${VPM_SHARE_DIR}/nagios)
install(FILES ${VPM_PACKAGING_DIR}/icinga2/veeam-port-monitor-command.conf
              ${VPM_PACKAGING_DIR}/icinga2/veeam-port-monitor-services.conf
              ${VPM_PACKAGING_DIR}/icinga2/veeam-port-monitor-windows.conf
        DESTINATION ${VPM_SHARE_DIR}/icinga2)
install(FILES ${VPM_PACKAGING_DIR}/nrpe/veeam-port-monitor.cfg DESTINATION ${VPM_SHARE_DIR}/nrpe)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME veeam-port-monitor)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "veeam-port-monitor")
set(CPACK_PACKAGE_CONTACT "veeam-port-monitor maintainers <root@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "Proves the network flows of Veeam Agent for Windows are open (Nagios plugin, Prometheus exporter)")
set(CPACK_PACKAGE_DESCRIPTION
    "check_veeam_ports (a Nagios/Icinga plugin) and veeam_port_exporter (a Prometheus exporter)
probe every TCP/UDP flow Veeam Agent for Microsoft Windows needs, from the machine where it
starts, and say which one is not open and why (refused, filtered, unreachable). Ships a
Grafana dashboard, Prometheus alert rules and Nagios/Icinga 2 definitions.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://github.com/veeam-port-monitor/veeam-port-monitor")
# Written out rather than dpkg-shlibdeps: the exporter's private shims are named libssl.so and
# libcrypto.so, which dpkg-shlibdeps would look for in other packages. libssl3 is loaded, not
# linked (vpm/openssl_runtime.h), so dpkg-shlibdeps would not see it: TLS needs it.
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "libc6 (>= 2.34), libstdc++6 (>= 12), libgcc-s1, libssl3 (>= 3.0.0), libyaml-cpp0.7, libcivetweb1, libprometheus-cpp-core1.0, libcrypt1, zlib1g, libexpat1 (>= 2.2), adduser")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "prometheus, grafana, nagios4 | icinga2")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${VPM_PACKAGING_DIR}/debian/conffiles
    ${VPM_PACKAGING_DIR}/debian/postinst
    ${VPM_PACKAGING_DIR}/debian/prerm
    ${VPM_PACKAGING_DIR}/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
set(CPACK_STRIP_FILES TRUE)
set(CPACK_SOURCE_GENERATOR "")
include(CPack)

# `cmake --build BUILD --target deb` builds the package into the build directory.
add_custom_target(deb
  COMMAND ${CMAKE_CPACK_COMMAND} -G DEB --config ${CMAKE_BINARY_DIR}/CPackConfig.cmake
  WORKING_DIRECTORY ${CMAKE_BINARY_DIR}
  DEPENDS check_veeam_ports veeam_port_exporter
  COMMENT "Building the Debian package with CPack"
  USES_TERMINAL)
