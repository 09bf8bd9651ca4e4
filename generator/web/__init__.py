"""``policygen serve``: a server-rendered web app over the same files and code as the CLI."""
