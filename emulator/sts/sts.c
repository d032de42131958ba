/* STS handlers; see sts.h. Responses follow the 2011-06-15 Query API. */
#include "sts/sts.h"

#include "auth/identity.h"
#include "auth/session.h"
#include "base/buf.h"
#include "base/xml.h"
#include "http/call.h"
#include "state.h"

#include <string.h>

#define STS_NAMESPACE "https://sts.amazonaws.com/doc/2011-06-15/"

static void open_response(struct call *c, const char *action)
{
    buf_reset(&c->out);
    buf_printf(&c->out, "<%sResponse xmlns=\"" STS_NAMESPACE "\">"
               "<%sResult>", action, action);
    c->content_type = "text/xml";
}

static void close_response(struct call *c, const char *action)
{
    buf_printf(&c->out, "</%sResult><ResponseMetadata>", action);
    xml_write_element(&c->out, "RequestId", c->request_id);
    buf_printf(&c->out, "</ResponseMetadata></%sResponse>", action);
}

/* aws:userid as GetCallerIdentity reports it: the user's unique id, the
 * role's unique id and session name, or the account id for root. */
static const char *user_id(const struct call *c)
{
    if (c->session)
        return c->session->user_id;
    if (c->identity)
        return c->identity->unique_id;
    return c->emu->account;
}

int sts_get_caller_identity(struct call *c)
{
    open_response(c, "GetCallerIdentity");
    xml_write_element(&c->out, "Arn", c->principal_arn);
    xml_write_element(&c->out, "UserId", user_id(c));
    xml_write_element(&c->out, "Account", c->emu->account);
    close_response(c, "GetCallerIdentity");
    return 0;
}

void sts_write_error(struct call *c)
{
    buf_reset(&c->out);
    buf_puts(&c->out, "<ErrorResponse xmlns=\"" STS_NAMESPACE "\"><Error>");
    xml_write_element(&c->out, "Type", aws_error_sts_status(c->err) >= 500
                                           ? "Receiver" : "Sender");
    xml_write_element(&c->out, "Code", aws_error_sts_code(c->err));
    xml_write_element(&c->out, "Message", c->err_message ? c->err_message
                                                         : "");
    buf_puts(&c->out, "</Error>");
    xml_write_element(&c->out, "RequestId", c->request_id);
    buf_puts(&c->out, "</ErrorResponse>");
    c->status = aws_error_sts_status(c->err);
    c->content_type = "text/xml";
}
