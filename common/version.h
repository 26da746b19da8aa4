/* common/version.h -- the release every program reports with --version
 * (and server.info): one number for the server and its tools, which the
 * Debian package's version follows (debian/changelog). */
#ifndef TK_VERSION_H
#define TK_VERSION_H

#define TK_VERSION "0.1.0"

#endif
