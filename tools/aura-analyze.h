/* aura analyze (aura-analyze.c). */
#ifndef __AURA_ANALYZE_H__
#define __AURA_ANALYZE_H__

#include <glib.h>

G_BEGIN_DECLS gint aura_cmd_analyze (gint argc, gchar ** argv);

G_END_DECLS
#endif /* __AURA_ANALYZE_H__ */
