from builder.cli import command

command()
