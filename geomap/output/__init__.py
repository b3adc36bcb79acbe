"""Writing what geomap makes: image files, animations, tables and GIS layers."""
