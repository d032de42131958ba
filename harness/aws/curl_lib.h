/* libcurl, opened on first use instead of linked. Only the sync components
 * and the scenario runner are HTTP clients; linked, libcurl and what it
 * pulls in (Kerberos, LDAP, SSH, RTMP, HTTP/2) were mapped and relocated in
 * every process, `dynalake serve` included: over a megabyte of its idle
 * RSS and part of its start-up time. Used by aws.c alone. */
#ifndef DYNALAKE_CURL_LIB_H
#define DYNALAKE_CURL_LIB_H

#include <curl/curl.h>

/* The libcurl calls aws.c makes, by the same names. */
struct curl_lib {
    CURL *(*easy_init)(void);
    void (*easy_cleanup)(CURL *curl);
    CURLcode (*easy_setopt)(CURL *curl, CURLoption option, ...);
    CURLcode (*easy_perform)(CURL *curl);
    CURLcode (*easy_getinfo)(CURL *curl, CURLINFO info, ...);
    const char *(*easy_strerror)(CURLcode code);
    struct curl_slist *(*slist_append)(struct curl_slist *list,
                                       const char *line);
    void (*slist_free_all)(struct curl_slist *list);
};

/* libcurl's calls, loaded once per process (thread-safe). Exits with a
 * message naming what is missing when libcurl cannot be loaded: nothing
 * that needs a client can run without it. */
const struct curl_lib *curl_lib(void);

#endif
