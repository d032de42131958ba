/* Which attributes a compiled condition or filter names; part of the
 * ddb_expr family. Query uses it to refuse filters on key attributes. */
#include "dynamodb/ddb_expr_internal.h"

#include <string.h>

static bool node_uses(const struct ddb_node *n, const char *name)
{
    if (n == NULL)
        return false;
    if (n->kind == DDB_NODE_PATH)
        return n->path.n > 0 && n->path.elems[0].name &&
               strcmp(n->path.elems[0].name, name) == 0;
    for (size_t i = 0; i < n->nkids; i++) {
        if (node_uses(n->kids[i], name))
            return true;
    }
    return false;
}

bool ddb_expr_uses_attribute(const struct ddb_expr *e, const char *name)
{
    return node_uses(e->root, name);
}
