{
  # Three translation-unit groups: the portable code (Node-API glue, thread pool, scalar kernels)
  # and, on x86-64, the AVX2+FMA and AVX-512F kernels, each compiled with its own -m flags in a
  # static library and chosen at run time with __builtin_cpu_supports. -ffp-contract=off keeps
  # the elementwise kernels' rounding as written (the gemm and math kernels use FMA explicitly).
  "target_defaults": {
    "cflags!": ["-fno-exceptions"],
    "cflags_cc!": ["-fno-exceptions", "-std=gnu++17", "-std=gnu++20"],
    "cflags": ["-O3", "-fPIC", "-fvisibility=hidden", "-ffp-contract=off", "-fno-math-errno"],
    "cflags_cc": ["-std=c++17", "-O3", "-fPIC", "-fvisibility=hidden", "-ffp-contract=off", "-fno-math-errno"],
    "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
    "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
    "xcode_settings": {
      "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
      "GCC_OPTIMIZATION_LEVEL": "3",
      "OTHER_CFLAGS": ["-ffp-contract=off", "-fno-math-errno"]
    },
    "msvs_settings": {
      "VCCLCompilerTool": { "AdditionalOptions": ["/std:c++17", "/O2", "/fp:precise"] }
    }
  },
  "targets": [
    {
      "target_name": "unroll_native",
      "sources": [
        "src/native/addon.cc",
        "src/native/pool.cc",
        "src/native/kernels_scalar.cc"
      ],
      "conditions": [
        ["target_arch=='x64'", {
          "dependencies": ["unroll_avx2", "unroll_avx512"]
        }, {
          "sources": ["src/native/kernels_nosimd.cc"]
        }],
        ["OS=='linux'", { "libraries": ["-lpthread"] }]
      ]
    }
  ],
  "conditions": [
    ["target_arch=='x64'", {
      "targets": [
        {
          "target_name": "unroll_avx2",
          "type": "static_library",
          "sources": ["src/native/kernels_avx2.cc"],
          "cflags": ["-mavx2", "-mfma"],
          "cflags_cc": ["-mavx2", "-mfma"],
          "xcode_settings": { "OTHER_CFLAGS": ["-mavx2", "-mfma", "-ffp-contract=off", "-fno-math-errno"] },
          "msvs_settings": { "VCCLCompilerTool": { "AdditionalOptions": ["/arch:AVX2"] } }
        },
        {
          "target_name": "unroll_avx512",
          "type": "static_library",
          "sources": ["src/native/kernels_avx512.cc"],
          "cflags": ["-mavx512f", "-mavx2", "-mfma", "-Wno-maybe-uninitialized"],
          "cflags_cc": ["-mavx512f", "-mavx2", "-mfma", "-Wno-maybe-uninitialized"],
          "xcode_settings": { "OTHER_CFLAGS": ["-mavx512f", "-mavx2", "-mfma", "-ffp-contract=off", "-fno-math-errno"] },
          "msvs_settings": { "VCCLCompilerTool": { "AdditionalOptions": ["/arch:AVX512"] } }
        }
      ]
    }]
  ]
}
