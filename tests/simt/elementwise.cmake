# Embedding, RMSNorm, RoPE, SiLU-mul, KV-cache write and argmax kernels run through the
# harness against kernels/cpu and kernels/common. CMAKE_CURRENT_LIST_DIR, so the path holds
# whichever folder includes this file.
pagoda_add_test(elementwise_kernels_test ${CMAKE_CURRENT_LIST_DIR}/elementwise_kernels_test.cpp)
target_link_libraries(elementwise_kernels_test PRIVATE pagoda_simt pagoda_kernels)
# The executor's own bias-add and row-gather kernels (kernels/cuda/executor_ops.cuh).
pagoda_add_test(executor_ops_test ${CMAKE_CURRENT_LIST_DIR}/executor_ops_test.cpp)
target_link_libraries(executor_ops_test PRIVATE pagoda_simt)
