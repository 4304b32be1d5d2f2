/* AURA — a real-time speech and presentation coach for GStreamer.
 *
 * This library is free software; you can redistribute it and/or modify it under the
 * terms of the GNU Library General Public License, version 2.1 or later.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstauraelements.h"

static gboolean
plugin_init (GstPlugin * plugin)
{
  return aura_elements_register (plugin);
}

GST_PLUGIN_DEFINE (GST_VERSION_MAJOR, GST_VERSION_MINOR, aura,
    "AURA real-time speech and presentation coach", plugin_init, VERSION,
    GST_LICENSE, GST_PACKAGE_NAME, GST_PACKAGE_ORIGIN)
