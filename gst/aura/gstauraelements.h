/* AURA — registration of every AURA element, shared by the plugin and by programs
 * (the `aura` tool, tests) that link the elements statically. */
#ifndef __GST_AURA_ELEMENTS_H__
#define __GST_AURA_ELEMENTS_H__

#include <gst/gst.h>

G_BEGIN_DECLS gboolean aura_elements_register (GstPlugin * plugin);

/* Registers the elements in a program that links them (no plugin file needed). */
gboolean aura_elements_register_static (void);

G_END_DECLS
#endif /* __GST_AURA_ELEMENTS_H__ */
