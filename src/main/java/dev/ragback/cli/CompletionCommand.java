package dev.ragback.cli;

import dev.ragback.app.RagbackException;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

@Command(name = "completion", description = "Print the shell completion script, generated from the command tree by picocli's "
        + "AutoComplete. Install: ragback completion bash > /etc/bash_completion.d/ragback (or source it from ~/.bashrc); "
        + "zsh: ragback completion zsh > \"$${fpath[1]}/_ragback\".")
final class CompletionCommand implements Callable<Integer> {
    private final Session session;

    @Parameters(paramLabel = "SHELL", description = "The shell: bash or zsh.")
    String shell;

    CompletionCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        String bash = AutoComplete.bash("ragback", Cli.fullTree(session));
        switch (shell) {
            case "bash" -> session.out().print(bash);
            // picocli's script is bash; zsh runs it through its bash-completion emulation
            case "zsh" -> session.out().print("autoload -U +X compinit && compinit\nautoload -U +X bashcompinit && bashcompinit\n" + bash);
            default -> throw RagbackException.usage("completion: SHELL must be bash or zsh, not '"
                    + dev.ragback.app.Names.printable(shell) + "'");
        }
        session.out().flush();
        return ExitCodes.OK;
    }
}
