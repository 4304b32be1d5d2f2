/* AURA — coaching catalogs (localized messages, data/coaching/LANG.ini) and rules
 * files (targets and hysteresis overrides). */
#ifndef __AURA_CATALOG_H__
#define __AURA_CATALOG_H__

#include <glib.h>

#include "aura-rules.h"

G_BEGIN_DECLS
#define AURA_CATALOG_ERROR (aura_catalog_error_quark ())
    GQuark aura_catalog_error_quark (void);

typedef enum
{
  AURA_CATALOG_ERROR_NOT_FOUND,
  AURA_CATALOG_ERROR_INVALID,
} AuraCatalogError;

typedef struct AuraCatalog AuraCatalog;

/* Loads the catalog of @language, falling back to English key by key. The file is
 * searched in $AURA_DATADIR/coaching, the source tree (uninstalled use) and the
 * installed data directory. Never NULL: a missing language gives English, and
 * sets @fell_back when non-NULL. */
AuraCatalog *aura_catalog_new (const gchar * language, gboolean * fell_back);
void aura_catalog_free (AuraCatalog * c);
const gchar *aura_catalog_language (const AuraCatalog * c);

/* The message of @code with {value}, {low}, {high} replaced (numbers rounded as
 * the code's unit wants; NAN prints as nothing). Falls back to English, then to
 * the code itself. */
gchar *aura_catalog_format (const AuraCatalog * c, const gchar * code,
    gdouble value, gdouble low, gdouble high);
/* A plain string of group @group ("categories", "report"), with fallbacks. */
const gchar *aura_catalog_get (const AuraCatalog * c, const gchar * group,
    const gchar * key);

/* Applies a rules file (GKeyFile: [targets] and [hysteresis] groups) on top of
 * @targets and @hysteresis. Unknown groups or keys and bad values are errors that
 * name the file, the group and the key. */
gboolean aura_rules_file_load (const gchar * path, AuraTargets * targets,
    AuraHysteresis * hysteresis, GError ** error);

G_END_DECLS
#endif /* __AURA_CATALOG_H__ */
