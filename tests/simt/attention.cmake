# Paged attention (decode and prefill) run through the harness against kernels/cpu.
# CMAKE_CURRENT_LIST_DIR, so the path holds whichever folder includes this file.
pagoda_add_test(attention_kernels_test ${CMAKE_CURRENT_LIST_DIR}/attention_kernels_test.cpp)
target_link_libraries(attention_kernels_test PRIVATE pagoda_simt pagoda_kernels)
