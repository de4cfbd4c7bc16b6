// The one translation unit that compiles Boost.Asio's (and Asio SSL's) implementation;
// every other file sees declarations only (BOOST_ASIO_SEPARATE_COMPILATION).
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
