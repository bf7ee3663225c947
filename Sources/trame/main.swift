import TrameCommands
Trame.main()
