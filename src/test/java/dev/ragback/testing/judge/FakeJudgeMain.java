package dev.ragback.testing.judge;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The fake RAG service and the fake judge as a process, for {@code make drill JUDGE=1}, {@code make
 * bench} and the Ollama CI job (which uses only the RAG service):
 * {@code FakeJudgeMain --fixture FILE [--delay-ms N] [--refuse-json-schema]}. Prints
 * {@code rag <url>} and {@code judge <base url>}, then {@code ready}, and serves until killed.
 */
public final class FakeJudgeMain {
    private FakeJudgeMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Path fixture = null;
        long delay = 0;
        boolean refuse = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--fixture" -> fixture = Path.of(args[++i]);
                case "--delay-ms" -> delay = Long.parseLong(args[++i]);
                case "--refuse-json-schema" -> refuse = true;
                default -> {
                    System.err.println("usage: FakeJudgeMain --fixture FILE [--delay-ms N] [--refuse-json-schema]");
                    System.exit(2);
                }
            }
        }
        if (fixture == null) {
            System.err.println("FakeJudgeMain: --fixture FILE is required");
            System.exit(2);
        }
        JudgeFixture answers = JudgeFixture.read(fixture);
        FakeRagService rag = new FakeRagService(answers);
        FakeOpenAiServer judge = new FakeOpenAiServer(answers).delay(Duration.ofMillis(delay));
        if (refuse) {
            judge.refuseJsonSchema();
        }
        System.out.println("rag " + rag.url());
        System.out.println("judge " + judge.baseUrl());
        System.out.println("ready");
        System.out.flush();
        Thread.currentThread().join();
    }
}
