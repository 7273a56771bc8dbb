"""The remark dialect: slide splitting on source lines, the rest as markdown-it plugins."""
