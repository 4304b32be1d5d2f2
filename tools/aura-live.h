/* aura live and aura devices (aura-live.c). */
#ifndef __AURA_LIVE_CMD_H__
#define __AURA_LIVE_CMD_H__

#include <glib.h>

G_BEGIN_DECLS gint aura_cmd_live (gint argc, gchar ** argv);
gint aura_cmd_devices (gint argc, gchar ** argv);

G_END_DECLS
#endif /* __AURA_LIVE_CMD_H__ */
