# hdc_enable_runtime_dispatch(<target>) - opt-in run-time selection of the SIMD kernels.
#
# Compiles hdc's kernels (bitwise, bit-sliced, integer, floating-point, complex, modular) once
# per x86 architecture (sse2, avx2 with FMA, avx512bw, avx512_vpopcnt), each translation unit
# with its own -m flags and inside its own namespace, into the static library
# hdc_runtime_dispatch (built once per build tree), links it to <target> and defines
# HDC_RUNTIME_DISPATCH=1 there: hdc::simd's public kernels then call the best table the CPU and
# OS support (CPUID + XGETBV), chosen on first use, or the one named by the environment
# variable HDC_FORCE_ARCH. The target itself keeps its own flags; compile it
# without -march=native for binaries that must run on other machines. On other processors
# only the scalar table is built.
#
#   find_package(hdc REQUIRED)          # or add_subdirectory(hdc)
#   add_executable(app main.cpp)
#   target_link_libraries(app PRIVATE hdc::hdc)
#   hdc_enable_runtime_dispatch(app)

set(_HDC_RUNTIME_DISPATCH_DIR "${CMAKE_CURRENT_LIST_DIR}" CACHE INTERNAL
    "Where hdcRuntimeDispatch.cmake and its source templates live")

function(hdc_enable_runtime_dispatch target)
  if(NOT TARGET ${target})
    message(FATAL_ERROR "hdc_enable_runtime_dispatch: ${target} is not a target")
  endif()
  if(NOT TARGET hdc_runtime_dispatch)
    _hdc_add_runtime_dispatch_library()
  endif()
  target_link_libraries(${target} PRIVATE hdc_runtime_dispatch)
endfunction()

function(_hdc_add_runtime_dispatch_library)
  set(templates "${_HDC_RUNTIME_DISPATCH_DIR}")
  set(out "${CMAKE_BINARY_DIR}/hdc_runtime_dispatch")
  if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64|i[3-6]86|x86)$"
     AND CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    set(HDC_DISPATCH_X86 1)
  else()
    set(HDC_DISPATCH_X86 0)
  endif()

  configure_file("${templates}/hdc_dispatch_select.cpp.in" "${out}/select.cpp" @ONLY)
  set(sources "${out}/select.cpp")

  if(HDC_DISPATCH_X86)
    set(flags_sse2 -msse2)
    # FMA with AVX2 (every AVX2 processor has it; the selection checks it), as xsimd's
    # fma3<avx2> tag: the floating-point kernels with double products need a fused multiply-add
    # in registers to match the reference without rounding twice.
    set(flags_avx2 -mavx2 -mfma -mpopcnt)
    set(flags_avx512bw -mavx512f -mavx512cd -mavx512dq -mavx512bw -mavx2 -mfma -mpopcnt)
    set(flags_avx512_vpopcnt ${flags_avx512bw} -mavx512vpopcntdq)
    set(tag_sse2 "xsimd::sse2")
    set(tag_avx2 "xsimd::fma3<xsimd::avx2>")
    set(tag_avx512bw "xsimd::avx512bw")
    set(tag_avx512_vpopcnt "hdc_dispatch_avx512_vpopcnt::hdc::simd::avx512_vpopcnt")
    foreach(arch sse2 avx2 avx512bw avx512_vpopcnt)
      set(HDC_DISPATCH_ARCH ${arch})
      set(HDC_DISPATCH_TAG ${tag_${arch}})
      configure_file("${templates}/hdc_dispatch_arch.cpp.in" "${out}/arch_${arch}.cpp" @ONLY)
      # -O2 even in debug builds: xsimd's templates are then inlined, so no weak symbol
      # compiled with these flags is left for the linker to share with other units.
      set_source_files_properties("${out}/arch_${arch}.cpp" PROPERTIES
        COMPILE_OPTIONS "${flags_${arch}};-O2")
      list(APPEND sources "${out}/arch_${arch}.cpp")
    endforeach()
  endif()

  add_library(hdc_runtime_dispatch STATIC ${sources})
  target_link_libraries(hdc_runtime_dispatch PUBLIC hdc::hdc)
  target_compile_features(hdc_runtime_dispatch PUBLIC cxx_std_20)
  target_compile_definitions(hdc_runtime_dispatch INTERFACE HDC_RUNTIME_DISPATCH=1)
  set_target_properties(hdc_runtime_dispatch PROPERTIES POSITION_INDEPENDENT_CODE ON)
endfunction()
