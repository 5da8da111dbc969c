#include "app/api/http/native_socket.h"

#include <algorithm>

#ifdef _WIN32
#include <winsock2.h>
#else
#include <cerrno>
#include <fcntl.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#endif

namespace pagoda::http {

#ifdef _WIN32

bool makeNonBlocking(SocketHandle socket) {
    u_long on = 1;
    return ioctlsocket(SOCKET(socket), FIONBIO, &on) == 0;
}

IoResult receiveSome(SocketHandle socket, char* buffer, size_t capacity) {
    const int n = recv(SOCKET(socket), buffer, int(capacity), 0);
    if (n > 0) return {IoStatus::Done, size_t(n)};
    if (n == 0) return {IoStatus::Closed};
    return {WSAGetLastError() == WSAEWOULDBLOCK ? IoStatus::WouldBlock : IoStatus::Failed};
}

IoResult sendSome(SocketHandle socket, const char* data, size_t size) {
    const int n = send(SOCKET(socket), data, int(size), 0);
    if (n >= 0) return {IoStatus::Done, size_t(n)};
    return {WSAGetLastError() == WSAEWOULDBLOCK ? IoStatus::WouldBlock : IoStatus::Failed};
}

void shutdownWriting(SocketHandle socket) { shutdown(SOCKET(socket), SD_SEND); }
void closeSocket(SocketHandle socket) { closesocket(SOCKET(socket)); }

bool peerHasGone(SocketHandle socket) {
    WSAPOLLFD fd{SOCKET(socket), POLLOUT, 0};
    return WSAPoll(&fd, 1, 0) > 0 && (fd.revents & (POLLERR | POLLHUP)) != 0;
}

int connectionsTheProcessCanHold(int wanted) { return wanted; }  // sockets are not file descriptors

#else

bool makeNonBlocking(SocketHandle socket) {
    const int flags = fcntl(int(socket), F_GETFL, 0);
    return flags >= 0 && fcntl(int(socket), F_SETFL, flags | O_NONBLOCK) == 0;
}

IoResult receiveSome(SocketHandle socket, char* buffer, size_t capacity) {
    while (true) {
        const ssize_t n = recv(int(socket), buffer, capacity, 0);
        if (n > 0) return {IoStatus::Done, size_t(n)};
        if (n == 0) return {IoStatus::Closed};
        if (errno == EINTR) continue;
        return {errno == EAGAIN || errno == EWOULDBLOCK ? IoStatus::WouldBlock : IoStatus::Failed};
    }
}

IoResult sendSome(SocketHandle socket, const char* data, size_t size) {
#ifdef MSG_NOSIGNAL
    constexpr int kFlags = MSG_NOSIGNAL;
#else
    constexpr int kFlags = 0;
#endif
    while (true) {
        const ssize_t n = send(int(socket), data, size, kFlags);
        if (n >= 0) return {IoStatus::Done, size_t(n)};
        if (errno == EINTR) continue;
        return {errno == EAGAIN || errno == EWOULDBLOCK ? IoStatus::WouldBlock : IoStatus::Failed};
    }
}

void shutdownWriting(SocketHandle socket) { shutdown(int(socket), SHUT_WR); }
void closeSocket(SocketHandle socket) { close(int(socket)); }

bool peerHasGone(SocketHandle socket) {
    pollfd fd{int(socket), POLLOUT, 0};
    return poll(&fd, 1, 0) > 0 && (fd.revents & (POLLERR | POLLHUP)) != 0;
}

int connectionsTheProcessCanHold(int wanted) {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return wanted;
    if (limit.rlim_cur < limit.rlim_max) {
        rlimit raised = limit;
        raised.rlim_cur = limit.rlim_max == RLIM_INFINITY ? 65536 : limit.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
    }
    if (limit.rlim_cur == RLIM_INFINITY) return wanted;
    // Half the descriptors stay for model files, Qt and the rest (at most 64 of them);
    // the others are shared by connections served and connections told 503.
    const long total = long(std::min<rlim_t>(limit.rlim_cur, 1 << 30));
    const long reserve = std::min(64L, total / 2);
    return int(std::max(1L, std::min<long>(wanted, (total - reserve) / 2)));
}

#endif

}  // namespace pagoda::http
