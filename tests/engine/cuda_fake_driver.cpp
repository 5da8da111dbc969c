// A stand-in for the NVIDIA driver (libcuda.so.1) with just the three calls the CUDA probe
// makes; built in several variants (tests/CMakeLists.txt) so the fallback reasons are
// tested on machines without a GPU.
extern "C" {

__attribute__((visibility("default"))) int cuInit(unsigned int) { return FAKE_INIT_RESULT; }

__attribute__((visibility("default"))) int cuDriverGetVersion(int* version) {
    *version = FAKE_DRIVER_VERSION;
    return 0;
}

__attribute__((visibility("default"))) int cuDeviceGetCount(int* count) {
    *count = FAKE_DEVICE_COUNT;
    return 0;
}

__attribute__((visibility("default"))) int cuDeviceGet(int* device, int ordinal) {
    *device = ordinal;
    return 0;
}

__attribute__((visibility("default"))) int cuDeviceGetName(char* name, int length, int) {
    const char fake[] = "Fake RTX 24GB";
    for (int i = 0; i < length && i < int(sizeof fake); ++i) name[i] = fake[i];
    return 0;
}

__attribute__((visibility("default"))) int cuDeviceTotalMem_v2(unsigned long* bytes, int) {
    *bytes = 24ul << 30;
    return 0;
}

}
