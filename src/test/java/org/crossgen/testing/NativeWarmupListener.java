package org.crossgen.testing;

import org.crossgen.tensor.Torch;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Extracts libtorch before any test class loads, so no test order can make a test touch a libtorch
 * class (whose static initialiser loads the natives) before {@link Torch#init} ran.
 */
public final class NativeWarmupListener implements LauncherSessionListener {
    @Override
    public void launcherSessionOpened(LauncherSession session) {
        try {
            Torch.extractNatives();
        } catch (Exception e) {
            throw new IllegalStateException("cannot extract libtorch: " + e.getMessage(), e);
        }
    }
}
