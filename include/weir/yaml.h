/*
 * The YAML form of the configuration (libyaml): it loads into the same
 * model through the same keyword parsers, and the model dumps back to it.
 * The mapping is documented in src/cfg/yaml.c and weir.cfg(5).
 */
#ifndef WEIR_YAML_H
#define WEIR_YAML_H

#include <stdio.h>

#include "weir/cfg.h"

/* Loads a YAML document; errors become diags at file:line. */
int cfg_yaml_load(struct cfg *cfg, const char *name, const char *text, size_t len);
/* Writes the model as YAML. */
void cfg_dump_yaml(const struct cfg *cfg, FILE *f);

#endif
