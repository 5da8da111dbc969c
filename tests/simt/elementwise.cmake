# Embedding, RMSNorm, RoPE, SiLU-mul, KV-cache write and argmax kernels run through the
# harness against kernels/cpu and kernels/common. CMAKE_CURRENT_LIST_DIR, so the path holds
# whichever folder includes this file.
pagoda_add_test(elementwise_kernels_test ${CMAKE_CURRENT_LIST_DIR}/elementwise_kernels_test.cpp)
target_link_libraries(elementwise_kernels_test PRIVATE pagoda_simt pagoda_kernels)
