/*
 * The two system calls corral needs and Node does not offer (see docs/systemd.md):
 *
 * - notify(address, message): one AF_UNIX SOCK_DGRAM datagram to systemd's NOTIFY_SOCKET, a
 *   path or an abstract name written `@name`. Node core has no unix datagram sockets.
 * - reap(pid): waitpid(pid, WNOHANG) for one exact pid, so a master running as PID 1 can reap
 *   orphans without waitpid(-1), which would steal libuv's own children.
 *
 * Both return errno values instead of throwing: the callers decide what is worth a warning.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <node_api.h>

#define SUN_PATH_MAX sizeof(((struct sockaddr_un *)0)->sun_path)

static napi_value number(napi_env env, int value) {
  napi_value result;
  napi_create_int32(env, value, &result);
  return result;
}

/* Fills `addr` from `@name` (abstract) or a path; returns the address length, or 0 if too long. */
static socklen_t fill_address(struct sockaddr_un *addr, const char *address, size_t length) {
  memset(addr, 0, sizeof *addr);
  addr->sun_family = AF_UNIX;
  if (address[0] == '@') {
    /* An abstract name has no terminating NUL: its length is part of the name. */
    if (length > SUN_PATH_MAX) return 0;
    memcpy(addr->sun_path + 1, address + 1, length - 1);
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + length);
  }
  if (length >= SUN_PATH_MAX) return 0;
  memcpy(addr->sun_path, address, length);
  return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + length + 1);
}

static napi_value notify(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  char address[SUN_PATH_MAX + 2];
  size_t length = 0;
  void *data = NULL;
  size_t size = 0;
  struct sockaddr_un addr;
  socklen_t addr_length;
  ssize_t sent;
  int fd;
  int error = 0;

  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 2 ||
      napi_get_value_string_utf8(env, argv[0], address, sizeof address, &length) != napi_ok ||
      napi_get_buffer_info(env, argv[1], &data, &size) != napi_ok) {
    napi_throw_type_error(env, NULL, "notify(address: string, message: Buffer)");
    return NULL;
  }
  if (length == 0) return number(env, EINVAL);
  addr_length = fill_address(&addr, address, length);
  if (addr_length == 0) return number(env, ENAMETOOLONG);

  fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return number(env, errno);
  /* Never block the master's event loop: a full queue is EAGAIN, and the caller retries. */
  do {
    sent = sendto(fd, data, size, MSG_NOSIGNAL | MSG_DONTWAIT, (struct sockaddr *)&addr,
                  addr_length);
  } while (sent < 0 && errno == EINTR);
  if (sent < 0) error = errno;
  close(fd);
  return number(env, error);
}

/* Returns the pid reaped, 0 when it has not exited yet, or -errno (ECHILD: not our child). */
static napi_value reap(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t pid = 0;
  int status;
  pid_t result;

  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 1 || napi_get_value_int32(env, argv[0], &pid) != napi_ok || pid <= 0) {
    napi_throw_type_error(env, NULL, "reap(pid: positive integer)");
    return NULL;
  }
  do {
    result = waitpid(pid, &status, WNOHANG);
  } while (result < 0 && errno == EINTR);
  return number(env, result < 0 ? -errno : (int)result);
}

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "notify", NAPI_AUTO_LENGTH, notify, NULL, &fn);
  napi_set_named_property(env, exports, "notify", fn);
  napi_create_function(env, "reap", NAPI_AUTO_LENGTH, reap, NULL, &fn);
  napi_set_named_property(env, exports, "reap", fn);
  return exports;
}
