package io.github.posixmq;

/**
 * Who owns a queue and who may use it, from {@code fstat} on an open descriptor ({@link PosixMq#stat()}): the
 * facts to check before trusting a queue that another user could have created under the expected name.
 *
 * @param uid the owner's user id (the creator's effective uid)
 * @param gid the queue's group id
 * @param mode the permission bits ({@code 0600} for a queue only its owner may use)
 * @param device the device of the mqueue file system instance (one per IPC namespace)
 * @param inode the queue's inode number: with {@code device}, tells whether two descriptors reach the same queue
 */
public record QueueStat(int uid, int gid, int mode, long device, long inode) {

    /** Whether the mode grants any permission outside {@code allowedMode} (e.g. group or other access to a 0600 queue). */
    public boolean grantsBeyond(int allowedMode) {
        return (mode & ~allowedMode) != 0;
    }

    /** Whether {@code other} is the same queue (same inode in the same mqueue file system). */
    public boolean isSameQueue(QueueStat other) {
        return device == other.device && inode == other.inode;
    }

    @Override
    public String toString() {
        return "QueueStat[uid=" + uid + ", gid=" + gid + ", mode=0" + Integer.toOctalString(mode) + ", device="
                + device + ", inode=" + inode + "]";
    }
}
