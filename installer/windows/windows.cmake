# Windows packaging, included by installer/CMakeLists.txt when WIN32: an NSIS installer and a
# portable zip of the same tree (README.md here). Written for a Windows build that does not
# exist yet: configured, never built or run.

# pagoda.exe's own icon, for Explorer, the Start menu and Apps & features.
target_sources(pagoda PRIVATE ${CMAKE_CURRENT_LIST_DIR}/pagoda.rc)

# Qt's DLLs and plugins beside pagoda.exe, by windeployqt through Qt's deploy script (it also
# writes bin/qt.conf). Qt 6.4's signature; 6.5 renamed FILENAME_VARIABLE to OUTPUT_SCRIPT.
qt_generate_deploy_app_script(TARGET pagoda FILENAME_VARIABLE pagoda_deploy_script)
install(SCRIPT ${pagoda_deploy_script} COMPONENT Runtime)
# The other DLLs pagoda.exe links (libcurl, OpenSSL, sentencepiece, PCRE2, ...), looked up
# on the PATH of the configuring shell as Windows would; Windows' own and Qt's (deployed
# above) are left out. DLL names are matched in lowercase.
file(TO_CMAKE_PATH "$ENV{PATH}" pagoda_dll_directories)
install(RUNTIME_DEPENDENCY_SET pagoda_runtime_dlls
    DIRECTORIES ${pagoda_dll_directories}
    PRE_EXCLUDE_REGEXES [[^api-ms-]] [[^ext-ms-]] [[^qt6]]
    POST_EXCLUDE_REGEXES [=[[/\\][Ss]ystem32[/\\]]=]
    DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT Runtime)

set(CPACK_GENERATOR NSIS ZIP)
set(CPACK_PACKAGE_INSTALL_DIRECTORY Pagoda)
set(CPACK_NSIS_INSTALL_ROOT "$PROGRAMFILES64")  # CPack picks it only for MSVC x64 builds
set(CPACK_PACKAGE_EXECUTABLES pagoda Pagoda)  # the Start menu shortcut to bin/pagoda.exe
set(CPACK_CREATE_DESKTOP_LINKS pagoda)  # offered on the PATH page, unticked
set(CPACK_NSIS_DISPLAY_NAME Pagoda)
set(CPACK_NSIS_PACKAGE_NAME Pagoda)
cmake_path(NATIVE_PATH CMAKE_CURRENT_LIST_DIR pagoda_windows_dir)
set(CPACK_NSIS_MUI_ICON "${pagoda_windows_dir}\\..\\icons\\pagoda.ico")
set(CPACK_NSIS_MUI_UNIICON "${CPACK_NSIS_MUI_ICON}")
set(CPACK_NSIS_INSTALLED_ICON_NAME "bin\\pagoda.exe")
set(CPACK_NSIS_MUI_FINISHPAGE_RUN pagoda.exe)
# A page that offers to add bin\ to PATH for `pagoda serve` in a terminal; "Do not add" is
# its default.
set(CPACK_NSIS_MODIFY_PATH ON)
set(CPACK_NSIS_ENABLE_UNINSTALL_BEFORE_INSTALL ON)
# The repository states no licence yet; CPack's placeholder text must not be shown instead.
set(CPACK_NSIS_IGNORE_LICENSE_PAGE ON)
# The zip: every component in one folder, Pagoda-<version>-win64/, the same tree as installed.
set(CPACK_ARCHIVE_COMPONENT_INSTALL OFF)
