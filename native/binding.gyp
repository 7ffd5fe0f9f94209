{
  "targets": [
    {
      "target_name": "corral_native",
      "sources": ["corral-native.c"],
      "cflags": ["-Wall", "-Wextra", "-Werror=implicit-function-declaration"]
    }
  ]
}
