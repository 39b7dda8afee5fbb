import { describe, expect, it } from "vitest";
import { applyChanges, words } from "./changes.js";
import { ImageRequestError } from "./errors.js";

describe("--change instructions", () => {
  it("applies the config instructions in order", () => {
    const config = applyChanges({ Env: ["PATH=/usr/bin", "A=0"] }, [
      'CMD ["sh", "-c", "echo hi"]',
      'ENV A=1 B="two words"',
      "ENV LEGACY value with spaces",
      "EXPOSE 80 53/udp 8000-8001",
      "WORKDIR /srv",
      "WORKDIR app",
      "USER nobody",
      'LABEL a=b "c d"=e',
      'VOLUME ["/data"]',
      "VOLUME /logs /cache",
      "STOPSIGNAL SIGINT",
    ]);
    expect(config).toEqual({
      Cmd: ["sh", "-c", "echo hi"],
      Env: ["PATH=/usr/bin", "A=1", "B=two words", "LEGACY=value with spaces"],
      ExposedPorts: { "80/tcp": {}, "53/udp": {}, "8000/tcp": {}, "8001/tcp": {} },
      WorkingDir: "/srv/app",
      User: "nobody",
      Labels: { a: "b", "c d": "e" },
      Volumes: { "/data": {}, "/logs": {}, "/cache": {} },
      StopSignal: "SIGINT",
    });
  });

  it("runs the shell form under /bin/sh -c, and ENTRYPOINT resets CMD", () => {
    expect(applyChanges({ Cmd: ["x"] }, ["ENTRYPOINT top -b"])).toEqual({
      Entrypoint: ["/bin/sh", "-c", "top -b"],
      Cmd: null,
    });
    expect(applyChanges({}, ["cmd echo hi"])).toEqual({ Cmd: ["/bin/sh", "-c", "echo hi"] });
  });

  it("refuses other instructions and bad arguments", () => {
    expect(() => applyChanges({}, ["RUN echo"])).toThrow("RUN is not a valid change command");
    expect(() => applyChanges({}, ["EXPOSE abc"])).toThrow(ImageRequestError);
    expect(() => applyChanges({}, ["USER"])).toThrow(ImageRequestError);
  });

  it("splits words with quotes and escapes", () => {
    expect(words(`a "b c" 'd e' f\\ g`)).toEqual(["a", "b c", "d e", "f g"]);
  });
});
