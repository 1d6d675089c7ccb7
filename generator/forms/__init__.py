"""Report forms: one YAML definition per form drives its workbook, schema, rules and page."""
