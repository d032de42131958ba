/* Session credentials; see session.h. */
#include "auth/session.h"

#include "auth/identity.h"
#include "base/buf.h"
#include "base/crypto.h"
#include "base/mem.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sessions {
    pthread_mutex_t lock;
    struct session **items; /* owned; each session separately, so pointers
                               handed out stay valid as the array grows */
    size_t n;
    size_t cap;
};

struct sessions *sessions_new(void)
{
    struct sessions *s = xcalloc(1, sizeof *s);
    pthread_mutex_init(&s->lock, NULL);
    return s;
}

void sessions_free(struct sessions *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->n; i++) {
        free(s->items[i]->token);
        free(s->items[i]->arn);
        free(s->items[i]->user_id);
        free(s->items[i]->session_name);
        free(s->items[i]->session_policy);
        free(s->items[i]);
    }
    free(s->items);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

/* n random characters from alphabet into out, NUL-terminated. */
static void random_text(char *out, size_t n, const char *alphabet)
{
    uint8_t r[64];
    size_t len = strlen(alphabet);
    crypto_random(r, n);
    for (size_t i = 0; i < n; i++)
        out[i] = alphabet[r[i] % len];
    out[n] = '\0';
}

static char *random_token(void)
{
    uint8_t r[96];
    struct buf b;
    buf_init(&b, 0);
    crypto_random(r, sizeof r);
    buf_puts(&b, "FwoGZXIvYXdzE");
    crypto_base64_encode(r, sizeof r, &b);
    return buf_detach(&b, NULL);
}

const struct session *sessions_issue(struct sessions *s,
                                     const struct identity *role,
                                     const char *account,
                                     const char *session_name,
                                     const char *session_policy,
                                     int64_t expires_ms)
{
    struct session *ses = xcalloc(1, sizeof *ses);
    memcpy(ses->access_key_id, SESSION_KEY_PREFIX,
           strlen(SESSION_KEY_PREFIX));
    random_text(ses->access_key_id + 4, 16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
    random_text(ses->secret, 40, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
                                 "qrstuvwxyz0123456789+/");
    ses->token = random_token();
    struct buf b;
    buf_init(&b, 0);
    buf_printf(&b, "arn:aws:sts::%s:assumed-role/%s/%s", account, role->name,
               session_name);
    ses->arn = buf_detach(&b, NULL);
    buf_printf(&b, "%s:%s", role->unique_id, session_name);
    ses->user_id = buf_detach(&b, NULL);
    ses->session_name = xstrdup(session_name);
    ses->role = role;
    ses->session_policy = session_policy ? xstrdup(session_policy) : NULL;
    ses->expires_ms = expires_ms;
    pthread_mutex_lock(&s->lock);
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 16;
        s->items = xrealloc(s->items, s->cap * sizeof *s->items);
    }
    s->items[s->n++] = ses;
    pthread_mutex_unlock(&s->lock);
    return ses;
}

const struct session *sessions_find(struct sessions *s, struct str key_id)
{
    const struct session *found = NULL;
    /* Long-term keys, nearly every request, skip the lock and the scan. */
    if (!str_starts_with(key_id, SESSION_KEY_PREFIX))
        return NULL;
    pthread_mutex_lock(&s->lock);
    for (size_t i = s->n; i-- > 0 && found == NULL;) {
        if (str_eq_cstr(key_id, s->items[i]->access_key_id))
            found = s->items[i];
    }
    pthread_mutex_unlock(&s->lock);
    return found;
}
