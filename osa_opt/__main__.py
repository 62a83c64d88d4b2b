from osa_opt.cli import main

main()
