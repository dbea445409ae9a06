/** The admin app's entry: the shell element; settings screens load later, on demand. */
import "./ui/app";
