/* libFuzzer target for json_parse, differential: each input is parsed by
 * json_parse and by cJSON's own parser (json_reference_parse), and any
 * difference in verdict or tree aborts with what differed. The comparison
 * is tests/unit/json_compare.h, shared with the unit test. */
#include "base/json.h"
#include "base/mem.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "../unit/json_compare.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    mem_install_cjson_hooks();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    cJSON *mine = json_parse(text, size);
    cJSON *ref = json_reference_parse(text, size);
    const char *why = json_compare(mine, ref);
    if (why != NULL) {
        fprintf(stderr, "fuzz_json_parse: json_parse differs from cJSON: "
                        "%s\n", why);
        abort();
    }
    cJSON_Delete(mine);
    cJSON_Delete(ref);
    return 0;
}
