// The few socket calls the HTTP connection makes itself. QTcpSocket closes the whole socket
// when the peer half-closes (a client that sends its request and then shuts down its
// writing side would never get the answer), so connections use the descriptor directly,
// non-blocking, with QSocketNotifier for readiness.
#pragma once

#include <cstddef>
#include <cstdint>

namespace pagoda::http {

using SocketHandle = intptr_t;

enum class IoStatus { Done, WouldBlock, Closed, Failed };

struct IoResult {
    IoStatus status;
    size_t bytes = 0;
};

bool makeNonBlocking(SocketHandle socket);
IoResult receiveSome(SocketHandle socket, char* buffer, size_t capacity);  // Closed: the peer sent FIN
IoResult sendSome(SocketHandle socket, const char* data, size_t size);     // never raises SIGPIPE
void shutdownWriting(SocketHandle socket);
void closeSocket(SocketHandle socket);
// The peer reset the connection or it failed (not merely a half-close), without reading.
bool peerHasGone(SocketHandle socket);
// How many connections the process can hold open at once, given its file-descriptor limit
// (raised to the hard limit first, as Go's runtime does): at most `wanted`, and few enough
// that accepting never fails for lack of descriptors (Qt stops accepting for good then).
int connectionsTheProcessCanHold(int wanted);

}  // namespace pagoda::http
