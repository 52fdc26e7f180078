# One INTERFACE target carrying our warning flags. Every target of ours links it
# PRIVATE; third-party code never sees it.
add_library(standard_warnings INTERFACE)
if(MSVC)
  target_compile_options(standard_warnings INTERFACE /W4)
else()
  target_compile_options(standard_warnings INTERFACE
    -Wall -Wextra -Wpedantic -Wconversion -Wsign-conversion -Wshadow
    -Wnon-virtual-dtor -Wold-style-cast -Woverloaded-virtual)
  if(VPM_WARNINGS_AS_ERRORS)
    target_compile_options(standard_warnings INTERFACE -Werror)
  endif()
endif()
