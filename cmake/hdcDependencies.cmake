# Finds hdc's header dependencies (Debian: libeigen3-dev, libxsimd-dev). Shared by the build
# tree and the installed package, so both resolve them the same way.

if(NOT TARGET Eigen3::Eigen)
  find_package(Eigen3 3.4 REQUIRED NO_MODULE)
endif()

if(NOT TARGET xsimd)
  find_package(xsimd 8.1 REQUIRED)
endif()
# Debian's xsimd 8.1 export links a target "xtl" that does not exist and that xsimd does not
# need; clear it so consumers link.
get_target_property(_hdc_xsimd_links xsimd INTERFACE_LINK_LIBRARIES)
if(_hdc_xsimd_links)
  list(REMOVE_ITEM _hdc_xsimd_links xtl)
  set_target_properties(xsimd PROPERTIES INTERFACE_LINK_LIBRARIES "${_hdc_xsimd_links}")
endif()
unset(_hdc_xsimd_links)

# Optional: nlohmann-json (Debian: nlohmann-json3-dev) for encoders/json.hpp only.
if(NOT TARGET nlohmann_json::nlohmann_json)
  find_package(nlohmann_json 3.9 QUIET)
endif()
